"""Build an evidence pack's archive from an AuditScope (assurance.scope): what goes in, and where.

    records/<type>/<number>/V<n>/<number>-V<n>.pdf   every issued record version, as issued (core.exporting)
    records/<type>/<number>/V<n>/trail.csv           its approval trail (transitions, votes, audit entries)
    records/<type>/<number>/V<n>/versions.csv        its version history up to that version
    monthly-reports/<number>-V<n>/tickets.csv        the raw ticket extract the report was computed from
    monthly-reports/<number>-V<n>/outages.csv        the outages and maintenance windows of its month
    monthly-reports/<number>-V<n>/recomputation.csv  (and .json) each issued figure beside its recomputation
    lists/*.csv                                      minutes and actions, changes, problems, security incidents,
                                                     improvements, acceptance: one line per record version
    audit/verification.json                          the audit trail's verification, the period's first/last entry
    index.html, index.pdf                            by clause (assurance.clausemap) and by procedure step
    manifest.json                                    every file with its SHA-256 and size; the content hash

Everything is written in the company's language and time zone and from stored data only (no time of the build),
so the same scope and data give the same files, the same content hash and the same zip.
"""

import json
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import ngettext

from core import audit, display, visibility
from core.exports import ExportDocument, Section, Table
from core.models import AuditEntry, RecordIndex
from core.registry import registry

from .. import clausemap
from ..scope import AuditScope, is_issued, records_by_key, register_entries
from . import documents, tickets
from .archive import Archive

# Records of the whole company every contract's month is discussed in: the monthly quality meeting's minutes and
# the internal service report it reviews (SP-4.5.1). They name no contract, so the scope alone would miss them.
COMPANY_TYPES = ("meeting_minutes", "internal_report")
# The lists of the pack: (file, record types).
LISTS = (("minutes", ("meeting_minutes",)), ("changes", ("change_request",)), ("problems", ("problem",)),
         ("security-incidents", ("security_incident",)), ("improvements", ("improvement",)),
         ("acceptance", ("internal_review", "acceptance_certificate")))


def entries_in_pack(scope: AuditScope, user=None):
    """The Record Register rows of the pack: the scope's record versions and the company's monthly-meeting records
    of the period, without the private records the requester may not read."""
    in_period = Q(created__lt=scope.end_at) & (Q(is_latest=True) | Q(updated__gte=scope.start_at))
    company = RecordIndex.objects.filter(in_period, record_type__in=COMPANY_TYPES, project_ref__isnull=True,
                                         contract_ref__isnull=True)
    rows = register_entries(scope) | company
    if user is not None:
        rows = visibility.narrow_register(rows, user)
    return rows.select_related("content_type", "author", "department").order_by("record_type", "number",
                                                                                  "version", "pk")


def steps_of(code, clauses) -> tuple:
    """The procedure steps (SP ids) a record type is evidence of: its own, or the clause map's for a register
    output (SP-5), else SP-5 itself."""
    record_type = registry.get(code)
    own = getattr(record_type, "spec", "") or ""
    if own and own != "SP-5":
        return (own,)
    mapped = sorted({sp for clause in clauses if code in clause.record_types for sp in clause.sp})
    return tuple(mapped) or (own or "SP-5",)


def _sp_key(sp):
    return [int(part) if part.isdigit() else part for part in sp.replace("SP-", "").split(".")]


class Builder:
    def __init__(self, scope: AuditScope, user=None, progress=None):
        self.scope, self.user, self.progress = scope, user, progress or (lambda done, total: None)
        self.archive = Archive()
        self.items = []  # one dict per record version, for the index
        self.reports = []
        self.lists = []

    def build(self) -> tuple[Archive, dict]:
        with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
            entries = list(entries_in_pack(self.scope, self.user))
            objects = records_by_key((entry.content_type_id, entry.object_id) for entry in entries)
            total = len(entries) + 3
            self.progress(0, total)
            for done, entry in enumerate(entries, start=1):
                record = objects.get((entry.content_type_id, entry.object_id))
                if record is not None:
                    self.add_record(entry, record)
                self.progress(done, total)
            self.add_lists(entries, objects)
            self.add_audit()
            self.progress(total - 1, total)
            self.add_index()
            manifest = self.archive.seal(self.about())
            self.progress(total, total)
        return self.archive, manifest

    # ---- records ------------------------------------------------------------------------------------------

    def add_record(self, entry, record):
        folder = f"records/{entry.record_type}/{entry.number}/V{entry.version}"
        issued = is_issued(entry)
        item = {"type": entry.record_type, "type_label": str(registry[entry.record_type].label)
                if registry.get(entry.record_type) else entry.record_type,
                "number": entry.number, "version": entry.version, "title": entry.title,
                "status": entry.get_status_display(), "issued": issued, "folder": folder, "pdf": ""}
        if issued:
            item["pdf"] = f"{folder}/{entry.number}-V{entry.version}.pdf"
            self.archive.add(item["pdf"], documents.issued_pdf(record))
        self.archive.add_csv(f"{folder}/trail.csv", documents.trail_headers(), documents.trail_rows(record))
        self.archive.add_csv(f"{folder}/versions.csv", documents.version_headers(), documents.version_rows(record))
        self.items.append(item)
        if entry.record_type == "monthly_report" and getattr(record, "snapshot", None):
            self.add_report(entry, record, issued)

    def add_report(self, entry, report, issued):
        folder = f"monthly-reports/{entry.number}-V{entry.version}"
        extract, outages = tickets.ticket_extract(report), tickets.outage_extract(report)
        lines = tickets.comparison(report, tickets.recompute(report, extract, outages))
        self.archive.add(f"{folder}/tickets.csv", extract)
        self.archive.add(f"{folder}/outages.csv", outages)
        self.archive.add(f"{folder}/recomputation.csv", tickets.comparison_csv(lines))
        self.archive.add(f"{folder}/recomputation.json", json.dumps(lines, ensure_ascii=False, indent=1))
        self.reports.append({"number": entry.number, "version": entry.version, "period": report.period_label,
                             "issued": issued, "folder": folder, "figures": len(lines),
                             "different": sum(not line["equal"] for line in lines),
                             "tickets": extract.count(b"\n") - 1})

    # ---- lists ----------------------------------------------------------------------------------------------

    def add_lists(self, entries, objects):
        headers = [_t("Number"), _t("Version"), _t("Title"), _t("Type"), _t("Status"), _t("Author"),
                   _t("Department"), _t("Project"), _t("Contract"), _t("Created"), _t("Last changed")]
        for name, codes in LISTS:
            rows = [[e.number, f"V{e.version}", e.title, str(registry[e.record_type].label), e.get_status_display(),
                     str(e.author), str(e.department or ""), e.project_label, e.contract_label,
                     display.datetime_text(e.created), display.datetime_text(e.updated)]
                    for e in entries if e.record_type in codes]
            self.archive.add_csv(f"lists/{name}.csv", headers, rows)
            self.lists.append({"name": name, "path": f"lists/{name}.csv", "rows": len(rows)})
        self.add_actions(entries)

    def add_actions(self, entries):
        from reporting.models import ActionItem

        minutes = [e.object_id for e in entries if e.record_type == "meeting_minutes"]
        actions = ActionItem.objects.filter(minutes_id__in=minutes).select_related("minutes", "owner", "project") \
            .order_by("minutes__number", "minutes__version", "due_date", "pk")
        rows = [[a.minutes.number, f"V{a.minutes.version}", a.description, str(a.owner), display.date_text(a.due_date),
                 str(a.project or ""), a.get_status_display(),
                 display.datetime_text(a.closed_at) if a.closed_at else ""] for a in actions]
        self.archive.add_csv("lists/actions.csv", [_t("Minutes"), _t("Version"), _t("Action"), _t("Owner"),
                                                   _t("Due date"), _t("Project"), _t("Status"), _t("Closed")], rows)
        self.lists.append({"name": "actions", "path": "lists/actions.csv", "rows": len(rows)})

    # ---- the audit trail ----------------------------------------------------------------------------------------

    def add_audit(self):
        from ..models import EvidencePack

        problems = [{"seq": seq, "problem": text} for seq, text in audit.verify_chain()]
        # Entries about evidence packs themselves are left out: building or downloading a pack must not change
        # the next pack of the same scope.
        in_period = AuditEntry.objects.filter(at__gte=self.scope.start_at, at__lt=self.scope.end_at).exclude(
            content_type=ContentType.objects.get_for_model(EvidencePack)).order_by("seq")
        first, last = in_period.first(), in_period.last()
        self.verification = {
            "chain_intact": not problems, "problems": problems, "entries_in_period": in_period.count(),
            "first_entry": _entry(first), "last_entry": _entry(last),
            "period": [self.scope.start.isoformat(), self.scope.end.isoformat()], "zone": settings.TIME_ZONE,
        }
        self.archive.add("audit/verification.json", json.dumps(self.verification, ensure_ascii=False, indent=1,
                                                               sort_keys=True))

    # ---- index and manifest ---------------------------------------------------------------------------------

    def about(self) -> dict:
        from contracts.models import Contract
        from projects.models import Project

        clause_map = clausemap.load()
        return {
            "period": {"start": self.scope.start.isoformat(), "end": self.scope.end.isoformat()},
            "contracts": [f"{c.number} V{c.version} {c.title}" for c in
                          Contract.objects.filter(pk__in=self.scope.contracts).order_by("number", "version")],
            "projects": [f"{p.code} {p.name}" for p in Project.objects.filter(pk__in=self.scope.projects)
                         .order_by("code")],
            "clause_map": [list(source) for source in clause_map.sources],
            "language": settings.LANGUAGE_CODE, "zone": settings.TIME_ZONE,
            "records": len(self.items), "issued": sum(item["issued"] for item in self.items),
        }

    def index_context(self):
        clauses = clausemap.load().clauses
        by_type = defaultdict(list)
        for item in self.items:
            by_type[item["type"]].append(item)
        by_clause = [{"clause": clause, "editions": sorted(clause.editions.items()),
                      "items": [item for code in clause.record_types for item in by_type.get(code, [])]}
                     for clause in clauses]
        steps = defaultdict(list)
        for code in sorted(by_type):
            for step in steps_of(code, clauses):
                steps[step].extend(by_type[code])
        return {"about": self.about(), "by_clause": by_clause,
                "by_step": [{"step": clausemap.step_label(step), "items": steps[step]}
                            for step in sorted(steps, key=_sp_key)],
                "reports": self.reports, "lists": self.lists, "verification": self.verification,
                "items": self.items}

    def add_index(self):
        context = self.index_context()
        self.archive.add("index.html", render_to_string("assurance/pack_index.html", context))
        self.archive.add("index.pdf", documents.pdf_bytes(index_document(context)))


def _entry(entry):
    if entry is None:
        return None
    return {"seq": entry.seq, "at": display.datetime_text(entry.at), "hash": entry.hash}


def _record_rows(items):
    return [[item["number"], f"V{item['version']}", item["title"], item["status"],
             item["pdf"] or _t("not issued: no PDF")] for item in items]


def index_document(context) -> ExportDocument:
    about = context["about"]
    columns = [_t("Number"), _t("Version"), _t("Title"), _t("Status"), _t("File")]
    scope = [(_t("Contracts"), "; ".join(about["contracts"]) or "—"),
             (_t("Projects"), "; ".join(about["projects"]) or "—")]
    sections = [Section(_t("By clause"), [] if context["by_clause"] else [
        _t("The clause map lists no clauses: the evidence is indexed by procedure step below.")])]
    for row in context["by_clause"]:
        clause = row["clause"]
        text = [_t("Procedure steps: %(list)s") % {"list": "; ".join(map(clausemap.step_label, clause.sp)) or "—"},
                _t("Checks: %(list)s") % {"list": ", ".join(clause.checks) or "—"}]
        text += [f"{edition}: {number}" for edition, number in row["editions"]]
        sections.append(Section(f"{clause.id} {clause.title}", text,
                                [Table(columns, _record_rows(row["items"]))] if row["items"] else [], level=2))
    sections.append(Section(_t("By procedure step"), []))
    for row in context["by_step"]:
        sections.append(Section(row["step"], [], [Table(columns, _record_rows(row["items"]))], level=2))
    sections.append(Section(_t("Monthly reports recomputed from their ticket extract"), [], [Table(
        [_t("Number"), _t("Version"), _t("Month"), _t("Figures"), _t("Different"), _t("Tickets")],
        [[r["number"], f"V{r['version']}", r["period"], r["figures"], r["different"], r["tickets"]]
         for r in context["reports"]])] if context["reports"] else []))
    check = context["verification"]
    sections.append(Section(_t("Audit trail verification"), [
        _t("The audit trail verifies: every entry is intact and linked.") if check["chain_intact"] else
        ngettext("The audit trail does not verify: %(n)s problem.", "The audit trail does not verify: %(n)s problems.",
                 len(check["problems"])) % {"n": len(check["problems"])},
        _t("Entries in the period: %(n)s") % {"n": check["entries_in_period"]},
        *(_t("%(which)s entry #%(seq)s at %(at)s, SHA-256 %(hash)s") % {"which": label, **entry}
          for label, entry in ((_t("First"), check["first_entry"]), (_t("Last"), check["last_entry"])) if entry)]))
    return ExportDocument(title=_t("Evidence pack index"), company=settings.SERVPLAN_COMPANY_NAME,
                          subtitle=_t("Period %(start)s to %(end)s") % about["period"], meta=scope, sections=sections,
                          language="en" if settings.LANGUAGE_CODE.startswith("en") else "zh-hans")


def build(scope: AuditScope, user=None, progress=None) -> tuple[Archive, dict]:
    return Builder(scope, user, progress).build()
