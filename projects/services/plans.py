"""Project plans and their reviews: rows copied into a new version, findings resolved after the review."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _t

from core import audit, records
from core.permissions import allowed

from ..models import ReviewFinding


def copy_rows(old, new, related_names, fk_name):
    """Copy child rows of record version `old` to `new` (called by core.records.new_version), audited."""
    for related_name in related_names:
        for row in getattr(old, related_name).all():
            row.pk = row.id = None
            row._state.adding = True
            setattr(row, fk_name, new)
            row.save(force_insert=True)
            audit.log_create(row, _t("Copied from version %(v)s.") % {"v": old.version})


def resolve_finding(finding, user, state, resolution=""):
    """Close or accept a review finding; allowed after the review is concluded too (follow-up)."""
    if not allowed(user, ReviewFinding, "change"):
        raise PermissionDenied(_t("Your role may not do this."))
    before = audit.snapshot(finding)
    finding.state, finding.resolution = state, resolution or finding.resolution
    return records.update(finding, user, before)
