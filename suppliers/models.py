"""Suppliers 供方 (SP-2.6): who the company buys hardware, software and subcontracted services from, their contacts
and certificates, and how each delivery went (recorded by procurement, read by the next evaluation)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.choices import RecordStatus
from core.models import BaseModel, ChildRow, ControlledRecord

from . import terms
from .choices import CriterionKind, EvaluationStatus, SupplierCategory


class Supplier(BaseModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=SupplierCategory.choices)
    credit_code = models.CharField(_("unified social credit code"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self):
        return self.name


class SupplierRow(BaseModel):
    """A row that belongs to one supplier; its pages lead back to the supplier."""

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return self.supplier.get_absolute_url()


class SupplierContact(SupplierRow):
    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="contacts", verbose_name=_("supplier"))
    name = models.CharField(_("name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["supplier", "-primary", "name"]
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")

    def __str__(self):
        return self.name


class Certificate(SupplierRow):
    """A licence, authorisation or certification the supplier holds (ISO 9001, a vendor's authorisation letter),
    valid until a date: a supplier whose certificate has lapsed is not qualified."""

    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="certificates", verbose_name=_("supplier"))
    name = models.CharField(_("certificate"), max_length=200, help_text=_("e.g. ISO 9001, Huawei partner "
                                                                          "authorisation."))
    reference = models.CharField(_("certificate number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["supplier", "valid_until"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.name} ({self.reference})" if self.reference else self.name

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _t("A certificate cannot end before it starts.")})


class Performance(SupplierRow):
    """How one delivery of a procurement went: on time or not, defects found at acceptance. Procurement writes it
    when a delivery is accepted; the supplier's next evaluation reads every row since the previous one."""

    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="performance", verbose_name=_("supplier"))
    delivered_on = models.DateField(_("delivered on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"))
    quantity = models.PositiveIntegerField(_("quantity delivered"), default=1)
    defects = models.PositiveIntegerField(_("defects"), default=0, validators=[MinValueValidator(0)])
    source_label = models.CharField(_("delivery of"), max_length=300,
                                    help_text=_("The procurement and item delivered, as it read when recorded."))
    source_url = models.CharField(_("link"), max_length=300, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        ordering = ["supplier", "-delivered_on", "-pk"]
        verbose_name = _("supplier performance")
        verbose_name_plural = _("supplier performance")

    def __str__(self):
        return f"{self.supplier} {self.delivered_on}: {self.source_label}"


class QualifiedList(ControlledRecord):
    """合格供方名录: the suppliers the company may buy from, each for a scope of supply until a date. Approved by
    Commerce and re-approved by its review date (a new version); only the approved version in force counts."""

    # A new version (the periodic re-approval) is due again the configured months after it is drafted.
    new_version_resets = ("review_due",)

    review_due = models.DateField(_("re-approval due"), default=terms.list_review_due,
                                  help_text=_("The list must be reviewed and approved again by this date."))

    def clean(self):
        super().clean()
        if self.review_due and self.status in (RecordStatus.DRAFT, RecordStatus.RETURNED) \
                and self.review_due <= terms.today():
            raise ValidationError({"review_due": _t("The re-approval date must be after today.")})

    def export_sections(self, language):
        from .exports import list_sections

        return list_sections(self, language)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("qualified supplier list")
        verbose_name_plural = _("qualified supplier lists")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="suppliers_list_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]


class QualifiedEntry(ChildRow):
    parent_field = "qualified_list"
    row_key = ("supplier",)

    qualified_list = models.ForeignKey(QualifiedList, models.CASCADE, related_name="entries",
                                       verbose_name=_("qualified supplier list"))
    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="+", verbose_name=_("supplier"))
    scope = models.CharField(_("scope of supply"), max_length=300, blank=True,
                             help_text=_("What the supplier is qualified to supply, e.g. Huawei servers and "
                                         "storage."))
    valid_until = models.DateField(_("qualified until"),
                                   help_text=_("Usually the end of the supplier's evaluation's validity."))

    class Meta:
        ordering = ["qualified_list", "supplier__code"]
        verbose_name = _("qualified supplier")
        verbose_name_plural = _("qualified suppliers")
        constraints = [models.UniqueConstraint(fields=["qualified_list", "supplier"], name="suppliers_entry_once",
                                               violation_error_message=_("This supplier is already on the list."))]

    def __str__(self):
        return f"{self.supplier} ({self.scope})" if self.scope else str(self.supplier)


class SupplierEvaluation(ControlledRecord):
    """供方评价: a supplier judged on weighted criteria by several evaluators, each scoring blind until all have
    scored (suppliers.scoring); the weighted result against the pass mark says whether it qualifies. Its input is
    the supplier's delivery performance over the period evaluated, frozen into the record when it is submitted."""

    # A new version is scored again: its result and frozen input restart.
    new_version_resets = ("result", "qualified", "performance", "performance_taken_at")

    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="evaluations", verbose_name=_("supplier"))
    period_from = models.DateField(_("period evaluated from"),
                                   help_text=_("Usually the day after the previous evaluation's period."))
    period_to = models.DateField(_("period evaluated to"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Empty: the configured number of months from today."))
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, default=terms.pass_mark,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)],
                                    help_text=_("The weighted result (0–100) the supplier needs to qualify."))
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                        verbose_name=_("evaluators"),
                                        help_text=_("Each scores every criterion, without seeing the others' "
                                                    "scores until all have scored."))
    conclusion = models.TextField(_("conclusion"), blank=True)
    result = models.DecimalField(_("result"), max_digits=5, decimal_places=2, null=True, blank=True,
                                 editable=False)
    qualified = models.BooleanField(_("qualified"), null=True, blank=True, editable=False)
    performance = models.JSONField(_("delivery performance"), default=dict, blank=True, editable=False)
    performance_taken_at = models.DateTimeField(_("performance taken at"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("supplier evaluation")
        verbose_name_plural = _("supplier evaluations")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="suppliers_evaluation_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]

    def full_clean(self, *args, **kwargs):
        if self.valid_until is None:
            self.valid_until = terms.evaluation_valid_until()
        if not self.title and self.supplier_id and self.period_to:
            self.title = (_t("Evaluation of %(supplier)s to %(date)s")
                          % {"supplier": self.supplier.name, "date": f"{self.period_to:%Y-%m-%d}"})[:200]
        return super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValidationError({"period_to": _t("The period cannot end before it starts.")})

    @property
    def verdict_label(self) -> str:
        if self.qualified is None:
            return ""
        return _t("Qualified") if self.qualified else _t("Not qualified")

    def export_sections(self, language):
        from .exports import evaluation_sections

        return evaluation_sections(self, language)


class EvaluationCriterion(ChildRow):
    """A criterion of an evaluation and its weight; the weights of an evaluation add up to 100."""

    parent_field = "evaluation"
    row_key = ("criterion",)

    evaluation = models.ForeignKey(SupplierEvaluation, models.CASCADE, related_name="criteria",
                                   verbose_name=_("supplier evaluation"))
    criterion = models.CharField(_("criterion"), max_length=20, choices=CriterionKind.choices)
    description = models.CharField(_("what is judged"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=[MinValueValidator(1),
                                                                           MaxValueValidator(100)])

    class Meta:
        ordering = ["evaluation", "pk"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="suppliers_criterion_once",
                                               violation_error_message=_("This criterion is already listed."))]

    def __str__(self):
        return f"{self.get_criterion_display()} ({self.weight}%)"


class Score(BaseModel):
    """One evaluator's score of one criterion (0–100), given while the evaluation is being scored. Until every
    evaluator has scored every criterion, only its evaluator reads it (pages, API, the register alike)."""

    evaluation = models.ForeignKey(SupplierEvaluation, models.CASCADE, related_name="scores",
                                   verbose_name=_("supplier evaluation"))
    criterion = models.ForeignKey(EvaluationCriterion, models.CASCADE, related_name="scores",
                                  verbose_name=_("criterion"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False,
                                  verbose_name=_("evaluator"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["evaluation", "criterion", "evaluator"]
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "evaluator"], name="suppliers_score_once",
                                    violation_error_message=_("This evaluator has already scored this criterion.")),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="suppliers_score_at_most_100",
                                   violation_error_message=_("A score is from 0 to 100.")),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"

    def get_absolute_url(self):
        return self.evaluation.get_absolute_url()

    def clean(self):
        super().clean()
        if self.criterion_id and self.evaluation_id and self.criterion.evaluation_id != self.evaluation_id:
            raise ValidationError({"criterion": _t("The criterion belongs to another evaluation.")})
        if self.evaluation_id and self.evaluation.status != EvaluationStatus.SCORING:
            raise ValidationError(_t("%(evaluation)s is %(status)s: scores are given while it is being scored.")
                                  % {"evaluation": self.evaluation.number,
                                     "status": self.evaluation.get_status_display()}, code="frozen")

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Blind scoring: an evaluation's scores are read by everyone who may read them only once every evaluator
        has scored every criterion; until then each evaluator reads only their own."""
        from .services import complete_evaluation_ids

        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        return queryset.filter(models.Q(evaluation_id__in=complete_evaluation_ids()) | models.Q(evaluator=user))
