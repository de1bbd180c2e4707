"""Ticket import: validate the whole file, then write it in batches, idempotently.

Pass 1 (validation) streams every row once: it is normalised (times to
epoch seconds, names to codes), checked, and its errors collected (row
number + field + message). Valid rows are spooled, in batches, to an
anonymous temporary file; duplicate ids are found from an 8-byte hash per
row. Memory is bounded by the batch, not the file: the only per-row state
kept in memory is those 8 bytes (8 MB for a million rows).

If anything is wrong nothing is written: the file is rejected as a whole
with its error report (a file that cannot be read, on the row and column where
reading stopped). Warnings (a pause outside its ticket's life, a file without
data rows, an ignored column) reject nothing and are reported the same way:
row, field, message. Otherwise pass 2 reads the spool back batch by batch,
keyed by (external_system, external_id): new tickets are inserted, changed
ones updated (their pauses replaced), unchanged ones (same content digest)
left alone, so re-importing a file changes nothing. The SLA clocks of a
batch's new and changed tickets are measured in this pass, before the write
(`servicedata.sla.measure_batch`: one engine call per SLA in force, the
semantics of `compute_pending`), so each ticket is written once, clocks
included; then the rollup of each contract touched is refreshed once.

Data-quality rules (a profile's `Policy`, servicedata.intake.quality) decide
what a suspicious row gets: reject (the strict default: an error, nothing is
written), exclude the row, repair it, or keep it. Every row excluded, repaired
or kept by a rule is a finding, spooled like the rows and stored, once the
tickets are written, as the import job's `QualityFinding`s (the latest
import's findings about a ticket are its current ones). One audit entry ("bulk": counts, file
sha256) records every import, rejected, failed or done.
"""

import array
import hashlib
import marshal
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit
from core.businesstime import MISSING
from core.choices import AuditAction
from core.ops import metrics
from core.tabular import FileError

from . import bulk
from . import findings as quality_report
from .bulk import BackgroundWriter
from .choices import Anomaly, RuleAction
from .columns import security_flag
from .intake.quality import STRICT, Finding, repair_message
from .models import Ticket, TicketPause
from .normalise import CREATED, EXTERNAL_ID, PAUSES, ROW, SYSTEM, Normaliser
from .sla.clocks import CLOCK_FIELDS, NO_CLOCKS

MAX_REPORTED_ERRORS = 500
BATCH_SIZE = 5000
ANALYZE_EVERY = 200_000  # rows written between statistics refreshes (PostgreSQL)
# A normalised row (servicedata.normalise.ROW): its keys, then the content written to the ticket.
CONTENT = ROW[2:13]
PRIORITY, FIRST_RESPONSE, RESOLVED = ROW.index("priority"), ROW.index("first_response"), ROW.index("resolved")


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list = field(default_factory=list)
    warning_count: int = 0
    warnings: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    computed: int = 0
    unreadable: dict | None = None  # the error that stopped reading the file, if one did
    audit_seq: int | None = None
    excluded: int = 0
    repaired: int = 0
    quality: dict = field(default_factory=dict)  # {anomaly: {action: count}}

    @property
    def rejected(self):
        return self.error_count > 0

    def summary(self) -> str:
        """One line for the job, the command and the audit trail; a file that stopped reading names where."""
        if self.unreadable:
            error = self.unreadable
            where = (_t("row %(row)s, %(field)s") if error["field"] else _t("row %(row)s")) % error
            return _t("Nothing was written: %(where)s: %(message)s") % {"where": where, "message": error["message"]}
        if self.rejected:
            return _t("Nothing was written: %(n)s error(s) in the file.") % {"n": self.error_count}
        text = _t("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.excluded or self.repaired:
            text += " " + _t("Data-quality rules: %(excluded)s row(s) excluded, %(repaired)s repaired (see the "
                             "quality report).") % {"excluded": self.excluded, "repaired": self.repaired}
        return text

    def as_dict(self):
        return {"total": self.total, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "error_count": self.error_count, "errors": self.errors, "warning_count": self.warning_count,
                "warnings": self.warnings, "ignored_columns": self.ignored_columns, "computed": self.computed,
                "excluded": self.excluded, "repaired": self.repaired, "quality": self.quality,
                "rejected": self.rejected, "message": self.summary()}

    def count(self, findings):
        """Tally one row's findings: by rule and action, and the row as excluded or repaired."""
        for finding in findings:
            by_action = self.quality.setdefault(str(finding.anomaly), {})
            by_action[str(finding.action)] = by_action.get(str(finding.action), 0) + 1
        actions = {finding.action for finding in findings}
        if RuleAction.EXCLUDE in actions:
            self.excluded += 1
        elif RuleAction.REPAIR in actions:
            self.repaired += 1


def _report(problems, number, name, message, value=""):
    problems.append({"row": number, "field": name, "message": message, "value": value})


def _tally(report, number, problems) -> int:
    """Report a row's (field, message, value) problems up to MAX_REPORTED_ERRORS; return how many there were."""
    count = 0
    for name, message, value in problems:
        count += 1
        if len(report) < MAX_REPORTED_ERRORS:
            _report(report, number, name, message, value)
    return count


def _spool_write(spool, batch):
    blob = marshal.dumps(batch, 4)
    spool.write(len(blob).to_bytes(8, "little"))
    spool.write(blob)


def _spool_read(spool):
    head = spool.read(8)
    if len(head) < 8:
        return None
    return marshal.loads(spool.read(int.from_bytes(head, "little")))


def _select_keys(system, external_ids, columns):
    """Rows of the ticket table with these external ids (raw SQL: Django's IN-list preparation costs more
    than the query at a million rows)."""
    table = connection.ops.quote_name(Ticket._meta.db_table)
    result = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter instead of thousands
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE external_system = %s AND "
                           f"external_id = ANY(%s)", [system, list(external_ids)])
            return cursor.fetchall()
        size = 5000 if sqlite3.sqlite_version_info >= (3, 32) else 900  # older SQLite: 999 parameters at most
        for i in range(0, len(external_ids), size):
            chunk = external_ids[i:i + size]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE external_system = %s AND external_id IN "
                           f"({', '.join(['%s'] * len(chunk))})", [system, *chunk])
            result += cursor.fetchall()
    return result


def _epoch_sql(column):
    """A timestamp column as integer epoch seconds, in the SQL of the connection's database."""
    column = connection.ops.quote_name(column)
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"  # %% : the cursor's own %-formatting


def _key_hash(system: str, external_id: str) -> int:
    """64-bit hash of a ticket key, for duplicate detection within one run (Python's own string hash:
    stable inside a process, which is all it needs; collisions are checked against the real keys)."""
    return hash((system, external_id))


class TicketImport:
    """Import tickets into one contract. `run(rows)` takes a re-iterable source of (row_number, record).

    `rows` is called once for validation (and once more only to name duplicate
    ids): pass a reader's `rows` method, or a function returning a fresh
    iterator. `progress(phase, done, fraction)` is called after every batch.
    """

    def __init__(self, contract, user, *, external_system=None, time_zone=None, progress=None,
                 batch_size=BATCH_SIZE, compute=True, spec=None):
        from . import sla

        self.contract = contract
        self.user = user
        # A profile (servicedata.intake.spec.ProfileSpec) brings its data-quality rules, source name and zone;
        # explicit arguments win.
        self.spec = spec
        external_system = external_system or (spec.external_system if spec else "") or "import"
        time_zone = time_zone or (spec.time_zone if spec else "")
        zone = ZoneInfo(time_zone) if time_zone else sla.contract_zone(contract)
        self.policy = spec.policy() if spec else STRICT
        self.normalise = Normaliser(zone, external_system, sla.service_lookup(),
                                    default_service=contract.service_tier.service_id, policy=self.policy)
        self.progress = progress or (lambda phase, done, fraction: None)
        self.batch_size = batch_size
        self.compute = compute
        self.flagged = []  # (system, external id) of rows whose security column said yes
        self.skipped = set()  # row numbers a duplicate-id rule leaves out
        self.findings = None  # spool of the rows' findings, in batches (see servicedata.findings.entries)
        self.contract_ids, self.superseding = [], False
        self.measuring = None  # what the write pass measures clocks with (servicedata.sla.measuring), if compute
        self.earliest = {}  # contract id -> earliest `created` (epoch seconds) written or changed: rollup refresh

    # ---- pass 1 ------------------------------------------------------------------------------------

    def validate(self, rows, result: ImportResult, spool):
        hashes = array.array("q")
        batch = []
        contract_id = self.contract.pk
        found = []
        for number, record in rows():
            row, errors, warnings, findings = self.normalise(number, record)
            result.total += 1
            if errors:
                self._errors(result, number, errors)
                continue
            if warnings:
                self._warnings(result, number, warnings)
            if findings:
                result.count(findings)
                found += quality_report.entries(number, row, record, findings, self.normalise)
                if len(found) >= self.batch_size:
                    _spool_write(self.findings, found)
                    found = []
                if row is None:
                    continue
            if security_flag(record.get("security")):
                self.flagged.append((row[SYSTEM], row[EXTERNAL_ID]))
            hashes.append(_key_hash(row[SYSTEM], row[EXTERNAL_ID]))
            if not result.error_count:
                digest = hashlib.blake2b(marshal.dumps((contract_id, row), 4), digest_size=16).hexdigest()
                batch.append((row, digest, number))
                if len(batch) >= self.batch_size:
                    _spool_write(spool, batch)
                    batch = []
                    self.progress("validating", result.total, None)
        if batch and not result.error_count:
            _spool_write(spool, batch)
        if found:
            _spool_write(self.findings, found)
        duplicates = self._duplicate_hashes(hashes)
        del hashes
        if duplicates:
            self._report_duplicates(rows, duplicates, result)

    @staticmethod
    def _duplicate_hashes(hashes):
        if len(hashes) < 2:
            return set()
        values = np.sort(np.frombuffer(hashes, dtype=np.int64))
        return set(values[1:][values[1:] == values[:-1]].tolist())

    def _report_duplicates(self, rows, duplicates, result):
        """Second look, only at rows whose key hash collided: each duplicate id is reported (the strict default),
        or its other rows are left out by the profile's rule: the first row is kept (exclude) or the last one,
        the most recent in an export (repair)."""
        action = self.policy.action(Anomaly.DUPLICATE_ID)
        seen = {}
        for number, record in rows():
            row, errors, _warnings, _findings = self.normalise(number, record)
            if row is None or _key_hash(row[SYSTEM], row[EXTERNAL_ID]) not in duplicates:
                continue
            seen.setdefault((row[SYSTEM], row[EXTERNAL_ID]), []).append((number, row, record))
        found = []
        for key, occurrences in seen.items():
            if len(occurrences) < 2:
                continue
            first = occurrences[0][0]
            if action == RuleAction.REJECT:
                message = _t("Duplicate id “%(id)s” in this file (first in row %(row)s).") % {
                    "id": key[1], "row": first}
                for number, _row, _record in occurrences[1:]:
                    self._errors(result, number, [("external_id", message, key[1])])
                continue
            left_out = occurrences[1:] if action == RuleAction.EXCLUDE else occurrences[:-1]
            for number, row, record in left_out:
                self.skipped.add(number)
                finding = Finding(Anomaly.DUPLICATE_ID, action, "external_id", {"external_id": key[1]},
                                  repair_message(Anomaly.DUPLICATE_ID, self.policy)
                                  if action == RuleAction.REPAIR else "")
                result.count([finding])
                found += quality_report.entries(number, row, record, [finding], self.normalise)
        if found:
            _spool_write(self.findings, found)

    @staticmethod
    def _errors(result, number, errors):
        result.error_count += _tally(result.errors, number, errors)

    @staticmethod
    def _warnings(result, number, warnings):
        result.warning_count += _tally(result.warnings, number, warnings)

    # ---- pass 2 ------------------------------------------------------------------------------------

    def write(self, spool, result: ImportResult):
        """Read the spool back batch by batch; the database side of a batch runs on a second connection
        while the next batch is being prepared (see BackgroundWriter)."""
        spool.seek(0)
        done = 0
        writer = BackgroundWriter(enabled=not connection.in_atomic_block)
        try:
            while True:
                batch = _spool_read(spool)
                if batch is None:
                    break
                writer.submit(self._apply, *self._prepare(batch, result))
                done += len(batch)
                if done % ANALYZE_EVERY < len(batch):
                    writer.wait()
                    bulk.analyze(Ticket)
                self.progress("writing", done, done / result.total if result.total else 1)
        finally:
            writer.close()
        if result.created + result.updated >= ANALYZE_EVERY // 10:
            bulk.analyze(Ticket)

    @staticmethod
    def _existing(batch):
        """(system, id) -> (pk, digest, contract id, created as epoch seconds) of the batch's tickets already
        stored (one raw query per system)."""
        by_system = {}
        for row, _digest, _number in batch:
            by_system.setdefault(row[SYSTEM], []).append(row[EXTERNAL_ID])
        columns = ("external_id", "id", "source_hash", "contract_id", _epoch_sql("created"))
        return {(system, external_id): hit for system, ids in by_system.items()
                for external_id, *hit in _select_keys(system, ids, columns)}

    def _prepare(self, batch, result):
        """Sort a batch into new, changed and unchanged tickets, measure the clocks of the new and changed ones
        (one engine call per SLA in force over the batch) and build their rows, clocks included (no writes).

        The lookup may run while the previous batch is still being written: a validated file has no key
        twice, so no batch looks for a ticket another batch of the same file writes.
        """
        if self.skipped:
            batch = [entry for entry in batch if entry[2] not in self.skipped]
        existing = self._existing(batch)
        contract_id, customer_id = self.contract.pk, self.contract.customer_id
        now = int(timezone.now().timestamp())
        new, changed = [], []
        for row, digest, _number in batch:
            hit = existing.get((row[SYSTEM], row[EXTERNAL_ID]))
            if hit is None:
                new.append((row, digest))
            elif hit[1] != digest:
                changed.append((hit, row, digest))
            else:
                result.unchanged += 1
        result.created += len(new)
        result.updated += len(changed)
        written = [row for row, _digest in new] + [row for _hit, row, _digest in changed]
        clocks = self._clocks(written)
        result.computed += len(written) if self.measuring is not None else 0
        self._note_earliest(written, [hit for hit, _row, _digest in changed])
        inserts = [(contract_id, customer_id, row[SYSTEM], row[EXTERNAL_ID], *row[2:13], digest, now, now, *clock)
                   for (row, digest), clock in zip(new, clocks[:len(new)], strict=True)]
        updates = [(hit[0], contract_id, customer_id, *row[2:13], digest, now, *clock)
                   for (hit, row, digest), clock in zip(changed, clocks[len(new):], strict=True)]
        paused_new = [row for row, _digest in new if row[PAUSES]]
        changed_pauses = [(hit[0], s, e) for hit, row, _digest in changed for s, e in row[PAUSES]]
        keys = [(row[SYSTEM], row[EXTERNAL_ID]) for row, _digest, _number in batch] if self.superseding else ()
        return inserts, paused_new, updates, changed_pauses, keys

    def _clocks(self, rows):
        """The clock fields (servicedata.sla.CLOCK_FIELDS) of rows about to be written, measured in this pass;
        without measuring (compute=False) none: the tickets wait for compute_pending."""
        if self.measuring is None or not rows:
            return [NO_CLOCKS] * len(rows)
        from .sla import clock_rows, measure_batch

        def instants(index):
            return np.fromiter((MISSING if r[index] is None else r[index] for r in rows), np.int64, len(rows))

        p_ticket, p_start, p_end = [], [], []
        for i, row in enumerate(rows):
            for start, end in row[PAUSES]:
                p_ticket.append(i)
                p_start.append(start)
                p_end.append(MISSING if end is None else end)
        values = measure_batch(self.measuring, instants(CREATED), instants(FIRST_RESPONSE), instants(RESOLVED),
                               [row[PRIORITY] for row in rows], np.array(p_ticket, np.int64),
                               np.array(p_start, np.int64), np.array(p_end, np.int64))
        return clock_rows(self.measuring, values)

    def _note_earliest(self, written, old):
        """Keep, per contract, the earliest `created` this import wrote or moved away from (a changed ticket's
        old value too): where the rollup must be refreshed from."""
        candidates = [(self.contract.pk, min(row[CREATED] for row in written))] if written else []
        candidates += [(hit[2], hit[3]) for hit in old if hit[3] is not None]
        for contract_id, created in candidates:
            if created < self.earliest.get(contract_id, created + 1):
                self.earliest[contract_id] = created

    def _apply(self, inserts, paused_new, updates, changed_pauses, keys):
        with transaction.atomic():
            if keys:
                quality_report.supersede(self.contract_ids, keys)
            bulk.insert_rows(Ticket, INSERT_FIELDS, inserts)
            pauses = changed_pauses
            if paused_new:
                ids = self._ids(paused_new)
                pauses = [(ids[(row[SYSTEM], row[EXTERNAL_ID])], s, e) for row in paused_new for s, e in row[PAUSES]]
                pauses += changed_pauses
            if updates:
                bulk.update_rows(Ticket, UPDATE_FIELDS, updates)
                TicketPause.objects.filter(ticket_id__in=[u[0] for u in updates]).delete()
            bulk.insert_rows(TicketPause, ("ticket_id", "start", "end"), pauses)

    @staticmethod
    def _ids(rows):
        by_system = {}
        for row in rows:
            by_system.setdefault(row[SYSTEM], []).append(row[EXTERNAL_ID])
        return {(system, external_id): pk for system, external_ids in by_system.items()
                for external_id, pk in _select_keys(system, external_ids, ("external_id", "id"))}

    # ---- the whole file ----------------------------------------------------------------------------

    def run(self, rows, *, name="", sha256="", job=None, ignored_columns=None) -> ImportResult:
        """Validate, then (only if no error) write the tickets with their clocks, and audit. Returns the counts.

        Whatever happens, the import is audited: rejected (a file that cannot be read included), failed or done.
        """
        result = ImportResult()
        bulk.tune_for_bulk()
        failure = None
        try:
            with tempfile.TemporaryFile(prefix="servplan-import-") as spool, \
                    tempfile.TemporaryFile(prefix="servplan-findings-") as self.findings:
                try:
                    self.validate(rows, result, spool)
                except FileError as exc:
                    result.error_count += 1
                    _report(result.errors, exc.row, exc.field, exc.message)
                    result.unreadable = result.errors[-1]
                self._file_warnings(result, ignored_columns)
                if result.rejected:
                    return result
                started = timezone.now().replace(microsecond=0)
                from . import sla

                self.contract_ids = sla.contract_ids(self.contract)
                # Findings of earlier imports stop being current for every ticket this one reads again.
                self.superseding = quality_report.any_current(self.contract_ids)
                self.measuring = sla.measuring(self.contract) if self.compute else None
                self.write(spool, result)
                if job is not None and (result.excluded or result.repaired or result.quality):
                    self.findings.seek(0)
                    quality_report.store(job, self.contract_ids, iter(lambda: _spool_read(self.findings), None))
                if self.compute:
                    result.computed += self._compute_left_over(result)
                self._refresh_rollup()
                self._announce(result, started)
            return result
        except Exception as exc:
            failure = exc
            raise
        finally:
            self._audit(result, name, sha256, job, failure)

    def _compute_left_over(self, result):
        """Clocks of the contract's tickets still waiting for them though this import did not write them (an
        earlier import without clocks): compute_pending, as an import always did. Usually none: one indexed
        look."""
        from . import sla

        if not Ticket.objects.filter(contract_id__in=self.contract_ids, computed_at__isnull=True).exists():
            return 0
        self.progress("computing", result.total, 1.0)
        return sla.compute_pending(self.contract, user=self.user).tickets

    def _refresh_rollup(self):
        """The rollup of every contract this import wrote to or moved a ticket from, from the month of the
        earliest `created` involved (servicedata.sla.rollup.refresh), once per contract."""
        from .sla import rollup

        for contract_id, created in sorted(self.earliest.items()):
            rollup.refresh(contract_id, since=datetime.fromtimestamp(created, UTC))

    def _announce(self, result, started):
        """Once the import commits, tell later stages what it wrote (the tickets of the contract updated since
        `started`) and which tickets the file flagged (servicedata.signals.tickets_imported: the security app
        applies its rules there). Reading the written tickets is left to a receiver that needs them."""
        from .signals import tickets_imported

        flagged = sorted(self._ids(self.flagged).values()) if self.flagged else []
        if not (result.created or result.updated or flagged):
            return
        contract, user = self.contract, self.user
        transaction.on_commit(lambda: tickets_imported.send(sender=type(contract), contract=contract, since=started,
                                                            flagged_ids=flagged, user=user))

    def _file_warnings(self, result, ignored_columns):
        """Warnings about the file as a whole, on its header row: columns ignored, no data rows at all."""
        result.ignored_columns = list(ignored_columns() if callable(ignored_columns) else ignored_columns or [])
        warnings = [(column, _t("Column ignored: it is not a ticket column."), "") for column in result.ignored_columns]
        if result.total == 0 and not result.rejected:
            warnings.append(("", _t("The file has no data rows below its header: nothing was imported."), ""))
        row_level, result.warnings = result.warnings, []
        self._warnings(result, 1, warnings)
        result.warnings += row_level

    def _audit(self, result, name, sha256, job, failure):
        changes = {"rows": result.total, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged, "sha256": sha256, "file": name, "contract": self.contract.pk,
                   "warnings": result.warning_count}
        if result.excluded or result.repaired or result.quality:
            changes.update(excluded=result.excluded, repaired=result.repaired, quality=result.quality)
        if self.spec is not None:
            changes["profile"] = {"name": self.spec.name, "sha256": self.spec.digest}
        if result.rejected:
            changes.update(rejected=True, errors=result.error_count)
        if failure is not None:
            changes["failed"] = str(failure)[:300]
        entry = audit.record_entry(
            AuditAction.BULK, job, user=self.user, changes=changes, comment=result.summary(),
            obj_repr=_t("Ticket import %(name)s into %(contract)s") % {"name": name or "-", "contract": self.contract})
        result.audit_seq = entry.seq
        metrics.count_import(result.created, result.updated, result.unchanged, result.total, result.rejected or failure)


INSERT_FIELDS = ("contract_id", "customer_id", "external_system", "external_id", *CONTENT, "source_hash",
                 "imported_at", "updated", *CLOCK_FIELDS)
# A changed ticket: new content and its clocks measured again (or cleared, for compute_pending, without measuring).
UPDATE_FIELDS = ("contract_id", "customer_id", *CONTENT, "source_hash", "updated", *CLOCK_FIELDS)
