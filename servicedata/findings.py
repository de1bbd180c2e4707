"""An import's quality report as it is written: each row's findings spooled as plain tuples during validation, then
stored as the job's `QualityFinding`s once the tickets are written, each current for its ticket (an earlier
import's finding about the same ticket stops being current)."""

from datetime import UTC, datetime

from django.db import transaction

from .models import QualityFinding
from .normalise import CREATED, EXTERNAL_ID, SYSTEM


def entries(number, row, record, findings, normalise):
    """A row's findings as spooled: (row, system, external id, created epoch, anomaly, action, field, original,
    outcome); a row left out is named from its raw record."""
    if row is not None:
        system, external_id, created = row[SYSTEM], row[EXTERNAL_ID], row[CREATED]
    else:
        system = str(record.get("external_system") or "").strip() or normalise.default_system
        external_id, created = str(record.get("external_id") or "").strip()[:64], normalise.created_of(record)
    return [(number, system[:40], external_id, created, str(f.anomaly), str(f.action), f.field, f.original,
             f.outcome) for f in findings]


def any_current(contract_ids) -> bool:
    return QualityFinding.objects.filter(contract_id__in=contract_ids, current=True).exists()


def supersede(contract_ids, keys):
    """Findings of earlier imports about these tickets ((system, external id) pairs) are no longer current."""
    by_system = {}
    for system, external_id in keys:
        by_system.setdefault(system, []).append(external_id)
    for system, external_ids in by_system.items():
        for i in range(0, len(external_ids), 900):
            QualityFinding.objects.filter(contract_id__in=contract_ids, current=True, external_system=system,
                                          external_id__in=external_ids[i:i + 900]).update(current=False)


def store(job, contract_ids, batches):
    """Store spooled batches of entries as the job's findings, each batch in one transaction."""
    for batch in batches:
        with transaction.atomic():
            supersede(contract_ids, [(entry[1], entry[2]) for entry in batch])
            QualityFinding.objects.bulk_create(
                QualityFinding(job=job, contract_id=job.contract_id, row=number, external_system=system,
                               external_id=external_id, anomaly=anomaly, action=action, field=field_name,
                               original=original, outcome=outcome,
                               ticket_created=None if created is None else datetime.fromtimestamp(created, UTC))
                for number, system, external_id, created, anomaly, action, field_name, original, outcome in batch)
