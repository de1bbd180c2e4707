"""Process-compliance rules of the contract stage (core.compliance): CON-1, CON-2.

A record reached a state when its workflow logged the transition into it (core.models.TransitionLog); the first
such entry is the moment. Each rule reads a handful of set-based queries: the moments of the records concerned in
one grouped query each, then compares them in memory.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core import compliance, display
from core.compliance import Severity, Violation
from core.models import TransitionLog

from .choices import ReviewStatus, SignedStatus
from .models import Contract, ContractReview, ServiceLevelAgreement


def reached(model, state, records):
    """{record id: the first moment a record of `model` among `records` (a queryset of it) entered `state`}."""
    rows = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(model), target=state,
                                        object_id__in=records.values("pk")) \
        .values("object_id").annotate(first=Min("at")).values_list("object_id", "first")
    return dict(rows)


def company_zone():
    return ZoneInfo(settings.TIME_ZONE)


def moment_text(moment):
    """A moment as a finding's stored message names it, the same on every run whoever runs it: the date and time in
    the company's zone (settings.TIME_ZONE)."""
    if moment is None:
        return ""
    return timezone.localtime(moment, company_zone()).strftime("%Y-%m-%d %H:%M:%S")


@compliance.rule(
    "CON-1", clause="8.3.2", severity=Severity.MAJOR, sp="SP-4.2.1",
    title=_("Contract signed without a passed review"),
    explanation=_("A contract version is signed only after its contract review (合同评审记录) of that same version "
                  "passed, with every required department's opinion (procedure 4.2.1, procedure 2.7). Found: a signed "
                  "version with no review of it that passed before the signature."))
def signed_without_review(scope):
    contracts = scope.narrow(Contract.objects.filter(
        Q(status=SignedStatus.SIGNED) | Q(signed_on__isnull=False)
        | Q(pk__in=TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(Contract),
                                                target=SignedStatus.SIGNED).values("object_id"))), "pk")
    signed = reached(Contract, SignedStatus.SIGNED, contracts)
    reviews = ContractReview.objects.filter(contract__in=contracts.values("pk"))
    passed = reached(ContractReview, ReviewStatus.APPROVED, reviews)
    first_pass = {}  # contract id: the first pass of any review of it
    for review_id, contract_id in reviews.filter(pk__in=list(passed)).values_list("pk", "contract_id"):
        moment = passed[review_id]
        if contract_id not in first_pass or moment < first_pass[contract_id]:
            first_pass[contract_id] = moment
    for contract in contracts.order_by("pk"):
        signed_at, passed_at = signed.get(contract.pk), first_pass.get(contract.pk)
        if passed_at is not None and (signed_at is None or passed_at <= signed_at):
            continue
        if passed_at is None:
            note = display.message(gettext_noop("Version %(version)s was signed (%(signed)s) without a contract "
                                                "review of it that passed."),
                                   version=contract.version, signed=moment_text(signed_at) or contract.signed_on)
        else:
            note = display.message(gettext_noop("Version %(version)s was signed on %(signed)s; its contract review "
                                                "passed only on %(passed)s."),
                                   version=contract.version, signed=moment_text(signed_at),
                                   passed=moment_text(passed_at))
        yield Violation(contract, note, occurred=signed_at or contract.signed_on)


@compliance.rule(
    "CON-2", clause="8.3.3", severity=Severity.MAJOR, sp="SP-4.1.5",
    title=_("SLA signed without approval"),
    explanation=_("A service level agreement is approved (reviewed with its contract, or on its own when revised) "
                  "before it is signed and takes effect (procedure 4.1.5). Found: a signed SLA version whose "
                  "approval is not on record before its signature."))
def sla_signed_without_approval(scope):
    slas = scope.narrow(ServiceLevelAgreement.objects.filter(
        Q(status=SignedStatus.SIGNED) | Q(signed_on__isnull=False)
        | Q(pk__in=TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(ServiceLevelAgreement),
            target=SignedStatus.SIGNED).values("object_id"))))
    signed = reached(ServiceLevelAgreement, SignedStatus.SIGNED, slas)
    approved = reached(ServiceLevelAgreement, SignedStatus.APPROVED, slas)
    for sla in slas.select_related("contract").order_by("pk"):
        signed_at, approved_at = signed.get(sla.pk), approved.get(sla.pk)
        if approved_at is not None and (signed_at is None or approved_at <= signed_at):
            continue
        if approved_at is None:
            note = display.message(gettext_noop("%(sla)s v%(version)s was signed (%(signed)s) and is in force "
                                                "without an approval on record."),
                                   sla=sla.number, version=sla.version,
                                   signed=moment_text(signed_at) or sla.signed_on)
        else:
            note = display.message(gettext_noop("%(sla)s v%(version)s was signed on %(signed)s and approved only "
                                                "on %(approved)s."),
                                   sla=sla.number, version=sla.version, signed=moment_text(signed_at),
                                   approved=moment_text(approved_at))
        yield Violation(sla, note, occurred=signed_at or sla.signed_on, related=(sla.contract,))
