"""Writes of the contract stage beyond a single row (all through core.records / core.workflow, audited)."""

import calendar as pycal
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records, workflow
from core.choices import RecordStatus
from core.permissions import allowed

from . import review as review_rule
from .choices import ReviewStatus, SignedStatus, Verdict
from .models import (
    Contract,
    ContractReview,
    ContractService,
    PaymentMilestone,
    ReviewOpinion,
    ServiceLevelAgreement,
    SlaTarget,
)

SLA_FIELDS = ("service_window_id", "availability_target", "rto_minutes", "rpo_minutes", "max_tickets_per_month",
              "max_users", "max_devices")
# ---- drafting a contract from an approved proposal -------------------------------------------------

def add_months(day, months):
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, pycal.monthrange(year, month)[1]))


def quarterly_milestones(value, start):
    """Four quarterly instalments adding up to `value` (the last takes the rounding)."""
    value = Decimal(value or 0)
    if not value:
        return []
    quarter = (value / 4).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    amounts = [quarter] * 3 + [value - quarter * 3]
    return [(_t("Service fee, quarter %(n)s") % {"n": n + 1}, add_months(start, 3 * n), amount)
            for n, amount in enumerate(amounts)]


def _targets_from(sla, template, user):
    for target in template.priority_targets.all():
        records.create(SlaTarget(sla=sla, priority=target.priority, response_minutes=target.response_minutes,
                                 resolution_minutes=target.resolution_minutes, target_percent=target.target_percent),
                       user)


def sla_from(template, contract, effective_from, user):
    """A draft SLA for `contract` from a draft SLA, a proposal line or a tier: levels, capacity, window, targets."""
    tier = getattr(template, "source_tier", None) or getattr(template, "tier", None) or template
    sla = records.create(ServiceLevelAgreement(
        contract=contract, source_tier=tier, effective_from=effective_from, owner_department=contract.owner_department,
        confidentiality=contract.confidentiality, **{name: getattr(template, name) for name in SLA_FIELDS}), user)
    _targets_from(sla, template, user)
    return sla


def redraft_sla(sla, template, effective_from, user):
    """Draft an SLA version again from a proposal line: its levels and targets replaced, a new effective date."""
    before = audit.snapshot(sla)
    for row in list(sla.priority_targets.all()):
        records.delete(row, user)
    for name in SLA_FIELDS:
        setattr(sla, name, getattr(template, name))
    sla.source_tier, sla.effective_from = template.tier, effective_from
    records.update(sla, user, before)
    _targets_from(sla, template, user)
    return sla


def contract_from_proposal(proposal, user, *, title="", start_date=None, end_date=None, effective_from=None,
                           owner_department=None):
    """Sales drafts the contract from an approved proposal: services, draft SLA, capacity and price carried over
    (the capacity is the proposal's, drafted from the customer's requirement, never the tier template's).

    A proposal answering a change (its requirement names a contract) drafts the next version of that contract;
    its SLA, a new version of the current SLA, takes effect on `effective_from`.
    """
    if proposal.status != RecordStatus.APPROVED:
        raise workflow.refuse(_t("Only an approved proposal becomes a contract."),
                              (_t("Open %(number)s") % {"number": proposal.number}, proposal.get_absolute_url()))
    lines = list(proposal.lines.select_related("tier", "service_window").prefetch_related("priority_targets"))
    if not lines:
        raise workflow.refuse(_t("The proposal has no services."),
                              (_t("Edit %(number)s") % {"number": proposal.number},
                               reverse("presales:presalesproposal_edit", args=[proposal.pk])))
    first = lines[0]
    start_date = start_date or timezone.localdate()
    value = sum(line.price for line in lines)
    changed = proposal.requirement.contract
    with transaction.atomic():
        if changed is not None:
            current = changed.in_force()
            contract = records.new_version(current, user,
                                           comment=display.message(gettext_noop("Change from proposal %(p)s."),
                                                                   p=proposal.number))
            before = audit.snapshot(contract)
            for row in [*contract.service_lines.all(), *contract.milestones.all()]:
                records.delete(row, user)
            contract.proposal, contract.value = proposal, value
            contract.service_tier, contract.calendar = first.tier, first.service_window
            contract.monthly_ticket_limit, contract.user_limit = first.max_tickets_per_month, first.max_users
            contract.title = title or contract.title
            if end_date:
                contract.end_date = end_date
            contract.change_note = _t("Change from proposal %(p)s.") % {"p": proposal.number}
            records.update(contract, user, before)
            effective_from = effective_from or start_date
            sla = contract.sla()  # the next SLA version, copied by new_version
            sla = redraft_sla(sla, first, effective_from, user) if sla is not None \
                else sla_from(first, contract, effective_from, user)
            milestone_start = effective_from
        else:
            end_date = end_date or add_months(start_date, 12) - timedelta(days=1)
            contract = records.create(Contract(
                title=title or proposal.title.replace(_t("pre-sales proposal"), _t("service contract")),
                customer=proposal.customer, owner_department=owner_department or user.department,
                start_date=start_date, end_date=end_date, service_tier=first.tier, calendar=first.service_window,
                monthly_ticket_limit=first.max_tickets_per_month, user_limit=first.max_users, proposal=proposal,
                value=value, confidentiality=proposal.confidentiality,
                payment_terms=proposal.price_notes), user,
            comment=display.message(gettext_noop("Drafted from proposal %(p)s."), p=proposal.number))
            sla = sla_from(first, contract, effective_from or start_date, user)
            milestone_start = start_date
        for line in lines:
            records.create(ContractService(contract=contract, tier=line.tier, price=line.price,
                                           notes=line.notes[:300]), user)
        for name, due, amount in quarterly_milestones(value, milestone_start):
            records.create(PaymentMilestone(contract=contract, name=name, due_date=due, amount=amount,
                                            condition=_t("Within 30 days of the invoice.")), user)
        sla.refresh_from_db()
    return contract


# ---- new versions and deletion ---------------------------------------------------------------------

def next_sla_for(contract, draft, user):
    """The contract's next version gets its SLA's next version (or, for an SLA not yet approved, a copy)."""
    sla = contract.sla()
    if sla is None:
        return
    if sla.status in (SignedStatus.APPROVED, SignedStatus.SIGNED) and sla.is_latest:
        next_sla = records.new_version(sla, user,
                                       comment=display.message(gettext_noop("Change of contract %(c)s."),
                                                               c=draft.number))
        before = audit.snapshot(next_sla)
        next_sla.contract = draft
        records.update(next_sla, user, before)
    else:
        sla_from(sla, draft, sla.effective_from, user)


def delete_draft_contract(contract, user, comment=""):
    """Delete a draft contract with its draft SLAs: an SLA protects its contract, so the SLAs go first.

    core.records.delete audits every row that cascades (services, milestones, targets) and refuses a contract
    still used by another record.
    """
    with transaction.atomic():
        if contract.status == SignedStatus.DRAFT:
            for sla in contract.slas.all():
                records.delete(sla, user, comment)
        records.delete(contract, user, comment)


# ---- contract review ------------------------------------------------------------------------------

def service_basis(contract) -> tuple[str, str]:
    """(basis, suggested opinion) for the Service Department, from the proposal's analysis and fit check."""
    proposal = contract.proposal
    if proposal is None:
        return "", ""
    check = proposal.fit_check or {}
    misses = check.get("misses")
    when = timezone.localtime(proposal.fit_checked_at).strftime("%Y-%m-%d %H:%M") if proposal.fit_checked_at else "—"
    basis = _t("Pre-sales proposal %(number)s v%(version)s (%(status)s); fit check of %(when)s: %(result)s.") % {
        "number": proposal.number, "version": proposal.version, "status": proposal.get_status_display(),
        "when": when, "result": (_t("every item meets the requirement") if misses == 0 else
                                 _t("%(n)s item(s) do not meet the requirement") % {"n": misses}
                                 if misses is not None else _t("not run"))}
    sla = contract.sla()
    if misses == 0:
        opinion = _t("The service levels, staff and capacity agreed in the contract match the pre-sales analysis; "
                     "the Service Department can deliver them.")
    else:
        opinion = _t("Deliverable under conditions: see the items of the fit check that are not met.")
    if sla is not None:
        opinion += " " + _t("SLA %(number)s: availability %(availability)s%%, service window %(window)s.") % {
            "number": sla.number, "availability": f"{sla.availability_target:g}", "window": sla.service_window}
    return basis, opinion


def may_start_review(contract, user) -> bool:
    """A contract review starts for a contract in review or approved, unless one is already under way (draft, in
    review, returned) or has passed; only a superseded review leaves room for another."""
    return allowed(user, ContractReview, "add") \
        and contract.status in (SignedStatus.IN_REVIEW, SignedStatus.APPROVED) \
        and not any(review.status in (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW, ReviewStatus.RETURNED,
                                      ReviewStatus.APPROVED) for review in contract.reviews.all())


def request_opinions_after_save(review, user):
    """A review being drafted (or reworked) asks every required department as soon as it is saved, so the list of
    opinions follows the contract and the departments named."""
    if review.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        ensure_opinions(review, user)


def ensure_opinions(review, user):
    """One opinion row per required department; the Service Department's pre-filled from the proposal."""
    from org.choices import DepartmentKind

    have = set(review.opinions.values_list("department_id", flat=True))
    for department in review_rule.required_departments(review):
        if department.pk in have:
            continue
        basis, comment = service_basis(review.contract) if department.kind == DepartmentKind.SERVICE else ("", "")
        opinion = ReviewOpinion(review=review, department=department, comment=comment, basis=basis)
        records.create(opinion, user, comment=display.message(gettext_noop("Opinion requested.")))


def give_opinion(opinion, user, verdict, comment):
    """A member of the opinion's department signs its opinion; the review passes when the rule is met."""
    if not allowed(user, ReviewOpinion, "change"):
        raise PermissionDenied(_t("Your role may not give review opinions."))
    if user.department_id != opinion.department_id:
        raise PermissionDenied(_t("Only a member of %(department)s gives its opinion.")
                               % {"department": opinion.department})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _t("Choose agree, agree with conditions or disagree.")})
    review = opinion.review
    if review.status != ReviewStatus.IN_REVIEW:
        raise workflow.refuse(_t("Opinions are given while the review is collecting them (ask for opinions first)."),
                              (_t("Open %(number)s") % {"number": review.number}, review.get_absolute_url()))
    with transaction.atomic():
        before = audit.snapshot(opinion)
        opinion.verdict, opinion.comment = verdict, comment or ""
        opinion.signer, opinion.signed_on = user, timezone.localdate()
        records.update(opinion, user, before, comment=opinion.get_verdict_display())
        review.refresh_from_db()
        if review_rule.outcome(review).passed:
            workflow.fire(review, "approve", user, _t("Every required department agreed."))
    return opinion


# ---- signing -------------------------------------------------------------------------------------

def signatory_defaults(contract, today=None):
    """What the sign form starts from: the planned signatories of the contract (name, and the title written in
    brackets, e.g. "林国栋（信息中心主任）") or the customer's primary contact, signed today."""
    from .models import SignatoryParty

    today = today or timezone.localdate()
    contact = contract.customer.contacts.order_by("-primary", "name").first()
    planned = {SignatoryParty.CUSTOMER: contract.customer_signatory or (contact.name if contact else ""),
               SignatoryParty.PROVIDER: contract.company_signatory}
    titles = {SignatoryParty.CUSTOMER: contact.job_title if contact and not contract.customer_signatory else ""}
    defaults = {}
    for party, text in planned.items():
        name, _sep, title = text.replace("（", "(").rstrip("）)").partition("(")
        defaults[party] = {"name": name.strip(), "title": title.strip() or titles.get(party, ""), "signed_on": today}
    return defaults


def sign_contract(contract, user, signatories, comment=""):
    """Sales records who signed for each party (name, title, date) and signs: one transaction, so a refused
    signature leaves no signatories behind. `signatories`: {party: {"name", "title", "signed_on"}} for both
    parties."""
    from .models import ContractSignatory, SignatoryParty

    missing = [str(p.label) for p in SignatoryParty if not (signatories.get(p.value) or {}).get("name")]
    if missing:
        raise ValidationError(_t("Record who signed for %(parties)s.") % {"parties": ", ".join(missing)})
    with transaction.atomic():
        ContractSignatory.objects.filter(contract=contract).delete()  # a retry replaces an earlier attempt
        for party in SignatoryParty:
            given = signatories[party.value]
            records.create(ContractSignatory(contract=contract, party=party.value, name=given["name"],
                                             title=given.get("title", ""), signed_on=given.get("signed_on")), user)
        outcome = workflow.fire(contract, "sign", user, comment)
    return outcome
