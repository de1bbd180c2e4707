"""Procurement (SP-2.6): the procurement plan 采购计划 of a contract or project with its items, each item's
implementation 采购项目 (request → order → delivery → acceptance, with the supplier), and the tender or negotiation
招标/谈判 that chooses the supplier for equipment (bids, blind scoring by several evaluators, the award).

The decisions (the qualified-supplier rule, acceptance writing the supplier's performance, the ranking, the award
written back to the items) live in `services.py` and `tendering.py`; the models hold the data and the row rules
every path (pages, API, demo) meets through `full_clean()`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, ChildRow, ControlledRecord
from suppliers.choices import SupplierCategory

from .choices import ExceptionStatus, PurchaseStage, TenderMethod, TenderStatus

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}
DEFAULT_MAJOR_AMOUNT = Decimal("200000")


def major_amount() -> Decimal:
    """The budget from which a plan is "major" and approved by Commerce (SERVPLAN_MAJOR_PROCUREMENT_AMOUNT, CNY)."""
    return Decimal(str(getattr(settings, "SERVPLAN_MAJOR_PROCUREMENT_AMOUNT", DEFAULT_MAJOR_AMOUNT)))


def money(amount) -> str:
    return f"{Decimal(amount or 0):,.2f}"


# ---- the plan and its items ---------------------------------------------------------------------------------

class ProcurementPlan(ControlledRecord):
    """采购计划: what a contract (or one of its projects) needs bought, with the budget; approved by Commerce when the
    budget reaches the major amount, else by the Service Department manager (or Commerce)."""

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    project = models.ForeignKey("projects.Project", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("project"))
    contract_review = models.ForeignKey("contracts.ContractReview", models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("contract review"),
                                        help_text=_("The contract review that required the procurement."))
    purpose = models.TextField(_("purpose"), blank=True,
                               help_text=_("What the purchases are for and what the contract commits to."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("procurement plan")
        verbose_name_plural = _("procurement plans")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="procurement_plan_number_version",
                                               violation_error_message=_("This number and version already exist."))]

    def full_clean(self, *args, **kwargs):
        self.customer_id = self.contract.customer_id if self.contract_id else None
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.contract_id and self.project_id and self.project.contract.number != self.contract.number:
            raise ValidationError({"project": _t("This project serves another contract.")})
        if self.contract_id and self.contract_review_id \
                and self.contract_review.contract.number != self.contract.number:
            raise ValidationError({"contract_review": _t("This review is of another contract.")})

    @property
    def budget(self) -> Decimal:
        return sum((item.budget for item in self.items.all()), Decimal(0))

    @property
    def is_major(self) -> bool:
        return self.budget >= major_amount()

    def export_sections(self, language):
        from .exports import plan_sections

        return plan_sections(self, language)


class ProcurementItem(ChildRow):
    parent_field = "plan"

    plan = models.ForeignKey(ProcurementPlan, models.CASCADE, related_name="items",
                             verbose_name=_("procurement plan"))
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    description = models.CharField(_("item"), max_length=300,
                                   help_text=_("What is bought, with the specification that matters."))
    category = models.CharField(_("category"), max_length=20, choices=SupplierCategory.choices,
                                default=SupplierCategory.HARDWARE)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=20, default="", blank=True, help_text=_("e.g. set, licence."))
    unit_price = models.DecimalField(_("budget unit price (CNY)"), validators=[MinValueValidator(0)], **MONEY)
    required_by = models.DateField(_("required by"))

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("procurement item")
        verbose_name_plural = _("procurement items")

    def __str__(self):
        return f"{self.position}. {self.description}"

    @property
    def budget(self) -> Decimal:
        return (self.unit_price or Decimal(0)) * (self.quantity or 0)


# ---- the implementation of an item (not frozen with the plan) ------------------------------------------------

class Purchase(ChildRow):
    """采购项目: how one item of an approved plan is bought: the supplier, then the dates of the request, the order,
    the delivery and the acceptance. The supplier must be qualified on the order date unless Commerce approved an
    exception for it; accepting the delivery records the supplier's performance."""

    parent_field = "item"
    frozen_with_record = False  # implemented after the plan is approved

    item = models.OneToOneField(ProcurementItem, models.CASCADE, related_name="purchase",
                                verbose_name=_("procurement item"))
    supplier = models.ForeignKey("suppliers.Supplier", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("supplier"))
    tender = models.ForeignKey("procurement.Tender", models.PROTECT, null=True, blank=True, related_name="+",
                               editable=False, verbose_name=_("awarded by tender"))
    amount = models.DecimalField(_("ordered amount (CNY)"), null=True, blank=True,
                                 validators=[MinValueValidator(0)], **MONEY)
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    order_reference = models.CharField(_("order number"), max_length=100, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivered_quantity = models.PositiveIntegerField(_("quantity delivered"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    defects = models.PositiveIntegerField(_("defects found at acceptance"), default=0)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    exception_supplier = models.ForeignKey("suppliers.Supplier", models.PROTECT, null=True, blank=True,
                                           related_name="+", editable=False,
                                           verbose_name=_("exception for supplier"))
    exception_reason = models.TextField(_("reason for choosing a supplier not qualified"), blank=True,
                                        editable=False)
    exception_status = models.CharField(_("exception"), max_length=12, choices=ExceptionStatus.choices, blank=True,
                                        default=ExceptionStatus.NONE, editable=False)
    exception_decided_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                             editable=False, verbose_name=_("exception decided by"))
    exception_decided_at = models.DateTimeField(_("exception decided at"), null=True, blank=True, editable=False)
    exception_comment = models.TextField(_("Commerce's comment on the exception"), blank=True, editable=False)

    class Meta:
        ordering = ["item__plan", "item__position", "pk"]
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")

    def __str__(self):
        return str(self.item)

    @property
    def stage(self) -> str:
        for stage, value in ((PurchaseStage.ACCEPTED, self.accepted_on), (PurchaseStage.DELIVERED, self.delivered_on),
                             (PurchaseStage.ORDERED, self.ordered_on), (PurchaseStage.REQUESTED, self.requested_on)):
            if value:
                return stage
        return PurchaseStage.PLANNED

    def get_stage_display(self):
        return PurchaseStage(self.stage).label

    @property
    def exception_approved(self) -> bool:
        return self.exception_status == ExceptionStatus.APPROVED and self.supplier_id is not None \
            and self.exception_supplier_id == self.supplier_id

    def late(self, today=None) -> bool:
        """Ordered and not delivered by the date the item was required."""
        today = today or timezone.localdate()
        return bool(self.ordered_on) and not self.delivered_on and self.item.required_by < today

    def clean(self):
        super().clean()
        from .services import check_purchase

        check_purchase(self)


# ---- tenders and negotiations ---------------------------------------------------------------------------------

class Tender(ControlledRecord):
    """招标/谈判 for items of an approved plan: bidders invited, bids received until the deadline, scored by the
    evaluators on weighted criteria (each evaluator sees only their own scores until all have scored), ranked; the
    winner proposed and the award approved by Commerce, which writes the winner and price back to the items."""

    new_version_resets = ("proposed_bid", "proposal_reason", "scores_complete", "invited_on")
    audit_derived_fields = ("scores_complete",)  # recomputed from the scores whenever one is written

    plan = models.ForeignKey(ProcurementPlan, models.PROTECT, related_name="tenders",
                             verbose_name=_("procurement plan"))
    items = models.ManyToManyField(ProcurementItem, blank=True, related_name="tenders",
                                   verbose_name=_("items tendered"))
    method = models.CharField(_("method"), max_length=20, choices=TenderMethod.choices, default=TenderMethod.INVITED)
    requirements = models.TextField(_("requirements"), blank=True,
                                    help_text=_("What the bidders must offer: specification, delivery, warranty."))
    invited_on = models.DateField(_("invitation date"), null=True, blank=True,
                                  help_text=_("Empty: the day the invitation is issued."))
    bid_deadline = models.DateField(_("bid deadline"))
    proposed_bid = models.ForeignKey("procurement.Bid", models.SET_NULL, null=True, blank=True, related_name="+",
                                     editable=False, verbose_name=_("proposed winner"))
    proposal_reason = models.TextField(_("reason for the proposed winner"), blank=True, editable=False)
    scores_complete = models.BooleanField(_("every evaluator has scored"), default=False, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        constraints = [models.UniqueConstraint(fields=["number", "version"], name="procurement_tender_number_version",
                                               violation_error_message=_("This number and version already exist."))]

    def full_clean(self, *args, **kwargs):
        self.customer_id = self.plan.customer_id if self.plan_id else None
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.invited_on and self.bid_deadline and self.bid_deadline < self.invited_on:
            raise ValidationError({"bid_deadline": _t("The bid deadline cannot be before the invitation.")})

    def export_sections(self, language):
        from .exports import tender_sections

        return tender_sections(self, language)

    def on_new_version(self, draft, user):
        """A new round of the tender: the bidders are invited again, the bids of the earlier round stay with it."""
        from core import audit, records

        for bid in draft.bids.all():
            before = audit.snapshot(bid)
            bid.price, bid.received_at, bid.attachment = None, None, None
            records.update(bid, user, before)


class TenderRow(ChildRow):
    parent_field = "tender"

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.tender_id and self.tender.status != TenderStatus.DRAFT:
            raise ValidationError(_t("The criteria and evaluators are set while the tender is a draft."))


class TenderCriterion(TenderRow):
    tender = models.ForeignKey(Tender, models.CASCADE, related_name="criteria", verbose_name=_("tender"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)])

    row_key = ("name",)

    class Meta:
        ordering = ["tender", "position", "pk"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [models.UniqueConstraint(fields=["tender", "name"], name="procurement_criterion_once",
                                               violation_error_message=_("This criterion is already listed."))]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class TenderEvaluator(TenderRow):
    tender = models.ForeignKey(Tender, models.CASCADE, related_name="evaluators", verbose_name=_("tender"))
    user = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("evaluator"))

    row_key = ("user",)

    class Meta:
        ordering = ["tender", "pk"]
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [models.UniqueConstraint(fields=["tender", "user"], name="procurement_evaluator_once",
                                               violation_error_message=_("This evaluator is already listed."))]

    def __str__(self):
        return str(self.user)


class Bid(ChildRow):
    """A bidder invited (a listed supplier, or a new bidder by name who must become a supplier before an award) and
    what they offered: the price, when it was received, the bid document (an attachment of the tender)."""

    parent_field = "tender"
    frozen_with_record = False  # bids arrive after the invitation is issued

    tender = models.ForeignKey(Tender, models.CASCADE, related_name="bids", verbose_name=_("tender"))
    supplier = models.ForeignKey("suppliers.Supplier", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("supplier"))
    bidder_name = models.CharField(_("bidder"), max_length=200, blank=True,
                                   help_text=_("A new bidder not in the supplier register yet: its name."))
    price = models.DecimalField(_("price offered (CNY)"), null=True, blank=True, validators=[MinValueValidator(0)],
                                **MONEY)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    attachment = models.ForeignKey("core.Attachment", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("bid document"),
                                   help_text=_("Attach the document to the tender first, then choose it here."))

    class Meta:
        ordering = ["tender", "pk"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self):
        return self.bidder

    @property
    def bidder(self) -> str:
        return str(self.supplier) if self.supplier_id else self.bidder_name

    @property
    def received(self) -> bool:
        return self.received_at is not None and self.price is not None

    def clean(self):
        super().clean()
        from .tendering import check_bid

        check_bid(self)


class BidScore(BaseModel):
    """One evaluator's score (0–100) of one bid on one criterion. Blind: until every evaluator has scored every bid,
    an evaluator reads only their own scores (`restrict_rows`, so pages and API alike)."""

    tender = models.ForeignKey(Tender, models.CASCADE, related_name="scores", editable=False,
                               verbose_name=_("tender"))
    bid = models.ForeignKey(Bid, models.CASCADE, related_name="scores", verbose_name=_("bid"))
    criterion = models.ForeignKey(TenderCriterion, models.CASCADE, related_name="scores",
                                  verbose_name=_("criterion"))
    evaluator = models.ForeignKey(USER, models.PROTECT, related_name="+", editable=False,
                                  verbose_name=_("evaluator"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_paths = {"project": "tender__plan__project", "contract": "tender__plan__contract",
                   "customer": "tender__plan__contract__customer"}

    class Meta:
        ordering = ["tender", "bid", "criterion__position", "evaluator"]
        verbose_name = _("bid score")
        verbose_name_plural = _("bid scores")
        constraints = [models.UniqueConstraint(fields=["bid", "criterion", "evaluator"], name="procurement_score_once",
                                               violation_error_message=_("This score is already given."))]

    def __str__(self):
        return f"{self.bid} · {self.criterion.name}: {self.score}"

    def get_absolute_url(self):
        return self.tender.get_absolute_url() + "#scores"

    @staticmethod
    def restrict_rows(queryset, user, action):
        """The blind rule: another evaluator's scores only once every evaluator has scored every bid; a score is
        changed only by its evaluator."""
        if action == "view":
            return queryset.filter(Q(tender__scores_complete=True) | Q(evaluator_id=user.pk))
        return queryset.filter(evaluator_id=user.pk)

    def clean(self):
        super().clean()
        from .tendering import check_score

        check_score(self)
