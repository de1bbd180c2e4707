"""Project plans and their reviews: findings resolved after the review."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _t

from core import audit, records
from core.permissions import allowed

from ..models import ReviewFinding


def resolve_finding(finding, user, state, resolution=""):
    """Close or accept a review finding; allowed after the review is concluded too (follow-up)."""
    if not allowed(user, ReviewFinding, "change"):
        raise PermissionDenied(_t("Your role may not do this."))
    before = audit.snapshot(finding)
    finding.state, finding.resolution = state, resolution or finding.resolution
    return records.update(finding, user, before)
