"""Service contracts (服务合同), their signed SLAs and contract reviews (合同评审记录): SP-4.1.5, SP-4.2, SP-2.7.

A contract is a controlled record (numbered SP-CON-…, versioned) drafted by
Sales, usually from an approved pre-sales proposal whose services, SLA and
price it carries over. A change to a contract is its next version: the
predecessor stays readable and in force until the change is signed.
Workflow: draft → in review → approved → signed → superseded; signing needs a
passed contract review of that version (contracts.review) and an approved
SLA. Tickets, outages and maintenance windows belong to a contract and count
for every version of it.

The SLA (`ServiceLevelAgreement`, SP-SLA-…) is its own controlled record,
one per contract version, with per-priority targets, availability, service
window, continuity and capacity. It is signed together with its contract and
from its effective date it is what the SLA engine measures tickets against
(`Contract.sla_for`); before any signed SLA the contract's catalogue tier is
used.
"""

from bisect import bisect_right
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.models import PriorityTargetFields, ServiceTier
from core.choices import RecordStatus
from core.fields import StoredDecimalsMixin
from core.models import BaseModel, ChildRow, ControlledRecord
from core.querysets import RestrictedQuerySet

from .choices import ReviewStatus, SignedStatus, Verdict

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ContractQuerySet(RestrictedQuerySet):
    def signed(self):
        """Contract versions signed and not yet superseded by a signed change."""
        return self.filter(status=SignedStatus.SIGNED)

    def in_force(self):
        """The one definition of a contract in force, what monitoring and reporting cover: per contract number,
        the signed version, else the latest approved one (served before signature). An approved change of a signed
        contract is not in force until it is signed."""
        same_number = Contract.objects.filter(number=OuterRef("number"))
        signed_version = same_number.filter(status=SignedStatus.SIGNED)
        later_approved = same_number.filter(status=SignedStatus.APPROVED, version__gt=OuterRef("version"))
        return self.filter(Q(status=SignedStatus.SIGNED)
                           | Q(status=SignedStatus.APPROVED) & ~Exists(signed_version) & ~Exists(later_approved))


class Contract(StoredDecimalsMixin, ControlledRecord):
    customer = models.ForeignKey("customers.Customer", models.PROTECT, related_name="contracts",
                                 verbose_name=_("customer"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    service_tier = models.ForeignKey("catalog.ServiceTier", models.PROTECT, related_name="contracts",
                                     verbose_name=_("service level tier"),
                                     help_text=_("The catalogue tier the service is measured against until a signed "
                                                 "SLA takes effect."))
    calendar = models.ForeignKey("catalog.Calendar", models.PROTECT, null=True, blank=True, related_name="contracts",
                                 verbose_name=_("business calendar"),
                                 help_text=_("Ticket clocks are counted in it. Empty: the tier's service window."))
    monthly_ticket_limit = models.PositiveIntegerField(_("tickets per month (limit)"), null=True, blank=True,
                                                       help_text=_("Overrides the tier's capacity limit."))
    user_limit = models.PositiveIntegerField(_("users (limit)"), null=True, blank=True,
                                             help_text=_("Overrides the tier's capacity limit."))
    proposal = models.ForeignKey("presales.PresalesProposal", models.PROTECT, null=True, blank=True,
                                 related_name="contracts", verbose_name=_("pre-sales proposal"),
                                 help_text=_("The approved proposal the contract was drafted from."))
    value = models.DecimalField(_("contract value (CNY)"), max_digits=14, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    customer_signatory = models.CharField(
        _("planned customer signatory"), max_length=100, blank=True,
        help_text=_("Who is to sign for the customer; who signed is recorded when signing."))
    company_signatory = models.CharField(
        _("planned signatory of ours"), max_length=100, blank=True,
        help_text=_("Who is to sign for the company; who signed is recorded when signing."))
    payment_terms = models.TextField(_("payment terms"), blank=True)
    service_sites = models.TextField(_("service sites"), blank=True,
                                     help_text=_("Where the service is delivered, one site per line."))
    renewal_terms = models.TextField(_("renewal clause"), blank=True,
                                     help_text=_("How the contract is renewed at the end of its term."))
    termination_terms = models.TextField(_("termination clause"), blank=True,
                                         help_text=_("When and with what notice either party may terminate."))
    confidentiality_terms = models.TextField(_("confidentiality clause"), blank=True,
                                             help_text=_("What each party keeps confidential, and for how long."))
    involves_procurement = models.BooleanField(_("involves procurement"), default=False,
                                               help_text=_("Equipment or third-party purchases are part of the "
                                                           "contract: the Commerce Department reviews it too."))
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, editable=False,
                                  related_name="+", verbose_name=_("signature recorded by"))

    objects = ContractQuerySet.as_manager()
    customer_copy = True  # sent to the customer: its export carries the customer's classification

    class Meta(ControlledRecord.Meta):
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="contracts_contract_number_version",
                                    violation_error_message=_("This number and version already exist.")),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")),
                                   name="contracts_contract_end_after_start",
                                   violation_error_message=_("The contract cannot end before it starts.")),
        ]

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _t("The contract cannot end before it starts.")})
        if self.proposal_id and self.customer_id and self.proposal.customer_id != self.customer_id:
            raise ValidationError({"proposal": _t("This proposal is for another customer.")})

    @property
    def is_signed(self) -> bool:
        return self.status == SignedStatus.SIGNED

    @property
    def is_in_force(self) -> bool:
        return type(self).objects.in_force().filter(pk=self.pk).exists()

    @property
    def is_change(self) -> bool:
        return self.predecessor_id is not None

    @property
    def business_calendar(self):
        return self.calendar if self.calendar_id else self.service_tier.service_window

    @property
    def ticket_limit(self):
        return self.monthly_ticket_limit or self.service_tier.max_tickets_per_month

    def in_force(self):
        """The version in force (see ContractQuerySet.in_force), else this one."""
        return type(self).objects.filter(number=self.number).in_force().order_by("-version").first() or self

    def sla(self):
        """This version's SLA record (or None)."""
        return self.slas.exclude(status=SignedStatus.SUPERSEDED).order_by("-version").first() \
            or self.slas.order_by("-version").first()

    # ---- what the SLA engine measures against ---------------------------------------------------

    def tier_in_force(self):
        """The catalogue SLA: the contract's tier, or the latest approved version of that tier if it was revised."""
        latest = ServiceTier.objects.filter(number=self.service_tier.number, status=RecordStatus.APPROVED) \
            .order_by("-version").first()
        return latest or self.service_tier

    def sla_schedule(self):
        """[(effective from, sla)], sorted: the catalogue tier first (None: from the beginning), then every signed
        SLA of any version of this contract from its effective date. Signed SLAs are never edited, so a ticket's
        SLA is a function of its created date."""
        signed = ServiceLevelAgreement.objects.filter(contract__number=self.number, signed_on__isnull=False) \
            .select_related("service_window").prefetch_related("priority_targets") \
            .order_by("effective_from", "version")
        return [(None, self.tier_in_force()), *((s.effective_from, s) for s in signed)]

    def sla_for(self, day):
        """The SLA in force on `day` (a date): the signed SLA whose effective date is the latest on or before it,
        else the contract's tier. Both answer the same questions (priority_targets, targets(),
        availability_target, service_window, rto/rpo, capacity limits)."""
        schedule = self.sla_schedule()
        dates = [start for start, _sla in schedule[1:]]
        return schedule[bisect_right(dates, day)][1]

    def on_new_version(self, draft, user):
        """The contract's next version carries the next version of its SLA."""
        from .services import next_sla_for

        next_sla_for(self, draft, user)

    def export_sections(self, language):
        from .exports import contract_sections

        return contract_sections(self, language)


class SignatoryParty(models.TextChoices):
    CUSTOMER = "customer", _("Customer (Party A)")
    PROVIDER = "provider", _("Provider (Party B)")


class ContractSignatory(BaseModel):
    """Who signed the contract for one party, with their title and the date they signed: captured when Sales
    records the signature (contracts.services.sign_contract), printed in the contract's signature block. Not a
    row of the version: a changed contract is signed again by whoever signs it then."""

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="signatories",
                                 verbose_name=_("service contract"))
    party = models.CharField(_("party"), max_length=20, choices=SignatoryParty.choices)
    name = models.CharField(_("full name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100,
                             help_text=_("e.g. Director of the IT Centre, General Manager."))
    signed_on = models.DateField(_("signed on"))

    scope_paths = {"contract": "contract", "customer": "contract__customer"}

    class Meta:
        ordering = ["contract", "party", "pk"]  # Party A (customer) before Party B (provider)
        verbose_name = _("contract signatory")
        verbose_name_plural = _("contract signatories")
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="contracts_signatory_one_per_party",
                                    violation_error_message=_("Each party signs once.")),
        ]

    def __str__(self):
        return f"{self.name} ({self.title})"

    def get_absolute_url(self):
        return self.contract.get_absolute_url()


class ContractService(StoredDecimalsMixin, ChildRow):
    """A catalogue service the contract covers, at a tier, with its price."""

    parent_field = "contract"
    row_key = ("tier",)

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="service_lines",
                                 verbose_name=_("service contract"))
    service = models.ForeignKey("catalog.Service", models.PROTECT, related_name="+", verbose_name=_("service"))
    tier = models.ForeignKey("catalog.ServiceTier", models.PROTECT, related_name="+",
                             verbose_name=_("service level tier"))
    price = models.DecimalField(_("price (CNY per year)"), max_digits=14, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("contracted service")
        verbose_name_plural = _("contracted services")

    def __str__(self):
        return f"{self.service} · {self.tier.name}" if self.tier_id else str(self.service)

    def full_clean(self, *args, **kwargs):
        if self.tier_id:
            self.service_id = self.tier.service_id
        return super().full_clean(*args, **kwargs)


class PaymentMilestone(StoredDecimalsMixin, ChildRow):
    parent_field = "contract"
    row_key = ("name",)

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="milestones",
                                 verbose_name=_("service contract"))
    name = models.CharField(_("milestone"), max_length=200, help_text=_("e.g. 签约后首付款, 第二季度服务费."))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    condition = models.CharField(_("payment condition"), max_length=300, blank=True,
                                 help_text=_("e.g. 收到发票后 30 日内."))

    class Meta:
        ordering = ["contract", "due_date", "pk"]
        verbose_name = _("payment milestone")
        verbose_name_plural = _("payment milestones")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contracts_milestone_amount_positive",
                                   violation_error_message=_("A payment milestone needs an amount above 0.")),
        ]

    def __str__(self):
        return f"{self.name}: {self.amount}"


class ServiceLevelAgreement(StoredDecimalsMixin, ControlledRecord):
    """The SLA of one contract version: drafted from the proposal's draft SLA, reviewed, signed with the contract."""

    customer_copy = True  # sent to the customer: its export carries the customer's classification

    contract = models.ForeignKey(Contract, models.PROTECT, related_name="slas", verbose_name=_("service contract"))
    source_tier = models.ForeignKey("catalog.ServiceTier", models.PROTECT, related_name="+",
                                    verbose_name=_("drafted from tier"),
                                    help_text=_("The catalogue tier the SLA was drafted from."))
    effective_from = models.DateField(_("effective from"),
                                      help_text=_("Tickets created on or after this date are measured against "
                                                  "this SLA once it is signed."))
    service_window = models.ForeignKey("catalog.Calendar", models.PROTECT, related_name="+",
                                       verbose_name=_("service window"))
    availability_target = models.DecimalField(_("availability target (%)"), max_digits=6, decimal_places=3,
                                              validators=PERCENT)
    rto_minutes = models.PositiveIntegerField(_("RTO (minutes)"), null=True, blank=True)
    rpo_minutes = models.PositiveIntegerField(_("RPO (minutes)"), null=True, blank=True)
    continuity = models.TextField(_("continuity arrangements"), blank=True,
                                  help_text=_("Backups, disaster recovery, drills."))
    max_tickets_per_month = models.PositiveIntegerField(_("tickets per month (limit)"), null=True, blank=True,
                                                        help_text=_("Empty: no limit."))
    max_users = models.PositiveIntegerField(_("users (limit)"), null=True, blank=True)
    max_devices = models.PositiveIntegerField(_("devices (limit)"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("service level agreement")
        verbose_name_plural = _("service level agreements")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="contracts_sla_number_version",
                                    violation_error_message=_("This number and version already exist.")),
            models.CheckConstraint(condition=Q(availability_target__gte=0, availability_target__lte=100),
                                   name="contracts_sla_availability_percent",
                                   violation_error_message=_("The availability target is a percentage (0–100).")),
        ]

    def full_clean(self, *args, **kwargs):
        # Named after its contract, so the register and exports name it the same way everywhere.
        if self.contract_id:
            self.customer_id = self.contract.customer_id
            if not self.title:
                self.title = _t("SLA: %(contract)s") % {"contract": self.contract.title}
        return super().full_clean(*args, **kwargs)

    def takes_effect_after_predecessor(self) -> bool:
        previous = self.predecessor
        return previous is None or not previous.effective_from or self.effective_from > previous.effective_from

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    def targets(self):
        """{priority: catalog.targets.Target}, as for a tier."""
        from catalog.targets import tier_targets

        return tier_targets(self)

    def export_sections(self, language):
        from .exports import sla_sections

        return sla_sections(self, language)


class SlaTarget(PriorityTargetFields, ChildRow):
    parent_field = "sla"
    row_key = ("priority",)

    sla = models.ForeignKey(ServiceLevelAgreement, models.CASCADE, related_name="priority_targets",
                            verbose_name=_("service level agreement"))

    class Meta:
        ordering = ["sla", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["sla", "priority"], name="contracts_one_sla_target_per_priority",
                                    violation_error_message=_("This SLA already has a target for this priority.")),
            *PriorityTargetFields.target_checks("contracts_sla_resolution_not_before_response",
                                                "contracts_sla_target_percent"),
        ]

class ContractReview(ControlledRecord):
    """合同评审记录: the opinions of the required departments on one contract version (SP-4.2.1)."""

    contract = models.ForeignKey(Contract, models.PROTECT, related_name="reviews",
                                 verbose_name=_("service contract"))
    extra_departments = models.ManyToManyField("org.Department", blank=True, related_name="+",
                                               verbose_name=_("other departments asked"),
                                               help_text=_("Besides the Service Department (always) and Commerce "
                                                           "(when procurement is involved)."))
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("contract review record")
        verbose_name_plural = _("contract review records")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="contracts_review_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    def full_clean(self, *args, **kwargs):
        if self.contract_id:
            self.customer_id = self.contract.customer_id
            if not self.title:
                self.title = _t("Contract review: %(contract)s") % {"contract": self.contract.title}
        return super().full_clean(*args, **kwargs)

    def outcome(self):
        from .review import outcome

        return outcome(self)

    def export_sections(self, language):
        from .exports import review_sections

        return review_sections(self, language)


class ReviewOpinion(BaseModel):
    """One department's opinion: given (signed) when its signer and date are set.

    Not a ChildRow: opinions are given after the review is submitted, and a new version of a review asks the
    departments again instead of copying their signed opinions.
    """

    review = models.ForeignKey(ContractReview, models.CASCADE, related_name="opinions",
                               verbose_name=_("contract review record"))
    department = models.ForeignKey("org.Department", models.PROTECT, related_name="+", verbose_name=_("department"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    comment = models.TextField(_("opinion"), blank=True)
    basis = models.TextField(_("basis"), blank=True, editable=False,
                             help_text=_("What the opinion was pre-filled from (the proposal's analysis)."))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, editable=False,
                               related_name="+", verbose_name=_("signed by"))
    signed_on = models.DateField(_("date"), null=True, blank=True, editable=False)

    scope_paths = {"contract": "review__contract", "customer": "review__customer"}

    class Meta:
        ordering = ["review", "pk"]
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        constraints = [
            models.UniqueConstraint(fields=["review", "department"], name="contracts_one_opinion_per_department",
                                    violation_error_message=_("This department already has an opinion row.")),
        ]

    def __str__(self):
        return f"{self.department}: {self.get_verdict_display() or '—'}"

    def get_absolute_url(self):
        return self.review.get_absolute_url()

    @property
    def given(self) -> bool:
        return self.signer_id is not None and bool(self.verdict)

    def clean(self):
        try:
            review = self.review
        except ObjectDoesNotExist:
            return
        # Opinions are given while the review collects them; its own fields change only as a draft.
        if review.pk and review.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.IN_REVIEW):
            raise ValidationError(_t("%(review)s is %(status)s: its opinions can no longer change.")
                                  % {"review": review, "status": review.get_status_display()}, code="frozen")
        if self.verdict == Verdict.CONDITIONAL and not self.comment.strip():
            raise ValidationError({"comment": _t("State the conditions of the agreement.")})
        if self.verdict == Verdict.DISAGREE and not self.comment.strip():
            raise ValidationError({"comment": _t("Give the reason for disagreeing.")})
