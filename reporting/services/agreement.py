"""The customer's agreement of the report profile (SP-4.5.1: the report's content and period are agreed with the
customer).

The approved profile in force is put to the customer: a customer contact agrees it, or asks for changes with a
comment. Each answer is a `ProfileAgreement` of that exact version (who, when, which version), never changed;
a new version of the profile needs its own agreement. A profile not agreed shows as such on its page and in the
PM's work queue.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _t

from core import records
from core.choices import RecordStatus
from core.permissions import allowed

from ..choices import AgreementDecision
from ..models import ProfileAgreement, ReportProfile
from .satisfaction import is_customer


def latest_answer(profile):
    """The customer's last answer on this version of the profile, or None."""
    return ProfileAgreement.objects.filter(profile=profile).select_related("user").order_by("-decided_at", "-pk") \
        .first()


def agreed(profile) -> bool:
    answer = latest_answer(profile)
    return answer is not None and answer.decision == AgreementDecision.AGREED


def state(profile) -> str:
    """"agreed", "changes" (asked for changes), "waiting" (approved, not answered) or "" (not approved yet)."""
    answer = latest_answer(profile)
    if answer is not None:
        return answer.decision
    return "waiting" if profile.status == RecordStatus.APPROVED else ""


def _in_force(profile) -> bool:
    """The approved profile of its contract that no later approved version superseded."""
    return profile.status == RecordStatus.APPROVED and not ReportProfile.objects.filter(
        contract__number=profile.contract.number, status=RecordStatus.APPROVED, version__gt=profile.version).exists()


def may_decide(user, profile) -> bool:
    return (is_customer(user) and _in_force(profile) and not agreed(profile)
            and allowed(user, ProfileAgreement, "add")
            and ReportProfile.objects.restrict(user).filter(pk=profile.pk).exists())


def decide(profile, user, decision, comment=""):
    """The customer contact agrees the profile in force, or asks for changes (a comment is required then)."""
    if not is_customer(user) or not ReportProfile.objects.restrict(user).filter(pk=profile.pk).exists():
        raise PermissionDenied(_t("Only the customer's contacts agree the report settings."))
    if decision not in AgreementDecision.values:
        raise ValidationError({"decision": _t("Agree, or ask for changes.")})
    if not _in_force(profile):
        raise ValidationError(_t("Only the approved report settings in force are agreed."))
    if agreed(profile):
        raise ValidationError(_t("Version %(v)s is agreed already.") % {"v": profile.version})
    answer = ProfileAgreement(profile=profile, version=profile.version, decision=decision,
                              comment=(comment or "").strip(), user=user, name=str(user))
    return records.create(answer, user)


def waiting_for(user):
    """The profiles in force the customer contact sees and has not agreed yet."""
    if not is_customer(user):
        return []
    return [profile for profile in _in_force_of(ReportProfile.objects.restrict(user)) if not agreed(profile)]


def _in_force_of(rows):
    """Per contract, the approved profile of the highest version (a newer draft does not replace it yet)."""
    latest = {}
    for profile in rows.filter(status=RecordStatus.APPROVED).select_related("contract", "contract__customer") \
            .order_by("contract__number", "-version"):
        latest.setdefault(profile.contract.number, profile)
    return list(latest.values())


def not_agreed(numbers):
    """Of the contracts `numbers`, the approved profiles in force without the customer's agreement, with the
    customer's last answer (None, or changes asked for)."""
    result = []
    for profile in _in_force_of(ReportProfile.objects.filter(contract__number__in=list(numbers))):
        answer = latest_answer(profile)
        if answer is None or answer.decision != AgreementDecision.AGREED:
            result.append((profile, answer))
    return result
