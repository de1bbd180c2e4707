"""The continual improvement register 改进 (SP-4.5.6): one record per improvement, whatever its source.

An improvement links its source generically (content type + id, with the source's readable label kept, so the
register reads well even when the source changes later) or names it by hand with a reference (a customer
complaint, an audit finding). It says who owns it, the plan, the due date and the measure it should move; the
baseline of that measure is taken from the service data when the improvement is drafted (the months and the value
frozen on the record). After implementation the effectiveness check computes the same measure over the full months
after the implemented date and compares it with the baseline; the Service Department manager approves the check,
which closes the improvement. Closing without the check is refused (improvement.workflows).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority
from core.models import ControlledRecord

from . import measures
from .choices import OPEN_STATES, TYPED_BY_HAND, ImprovementStatus, MeasureKind, SourceKind

USER = settings.AUTH_USER_MODEL


class Improvement(ControlledRecord):
    """改进: source, owner, plan, due date, the measure with its baseline from the data, the effectiveness check."""

    # A new version (a not effective result reopened with a new plan) starts again from implementation; the
    # baseline it must beat stays the one taken at the start.
    new_version_resets = ("implemented_on", "after_months", "after_value", "after_detail", "improved",
                          "target_reached", "effective", "check_conclusion", "checked_by", "checked_at")

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("contract"),
                                 help_text=_("Empty: a company-wide improvement, measured over every contract in "
                                             "force."))
    source_kind = models.CharField(_("source"), max_length=30, choices=SourceKind.choices,
                                   default=SourceKind.OTHER)
    source_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+",
                                    editable=False, verbose_name=_("source record type"))
    source_id = models.PositiveBigIntegerField(_("source record"), null=True, blank=True, editable=False)
    source_label = models.CharField(_("source record"), max_length=300, blank=True,
                                    help_text=_("What the improvement comes from, as it read when it was raised."))
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True,
                                        help_text=_("For a customer complaint or an audit finding: its reference "
                                                    "(letter, ticket, audit report and finding number)."))
    owner = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("owner"))
    plan = models.TextField(_("plan"), blank=True, help_text=_("What will be done, by whom, and how it should move "
                                                               "the measure."))
    due_date = models.DateField(_("due date"))
    measure = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices,
                               default=MeasureKind.RESPONSE)
    measure_priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True,
                                        help_text=_("For response and resolution achievement; empty: all "
                                                    "priorities."))
    measure_category = models.CharField(_("ticket category"), max_length=100, blank=True,
                                        help_text=_("For the tickets of a category per month."))
    target_value = models.FloatField(_("target value"), null=True, blank=True,
                                     help_text=_("Where the measure should get to (in its unit)."))
    baseline_months = models.JSONField(_("baseline months"), default=list, blank=True, editable=False)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True, editable=False)
    baseline_detail = models.JSONField(_("baseline counted from"), default=dict, blank=True, editable=False)
    baseline_taken_at = models.DateTimeField(_("baseline taken at"), null=True, blank=True, editable=False)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True,
                                      help_text=_("The effectiveness check measures the full months after it."))
    check_months = models.PositiveSmallIntegerField(_("months to check"), default=3,
                                                    validators=[MinValueValidator(1), MaxValueValidator(12)],
                                                    help_text=_("Full months after the implemented date the "
                                                                "effectiveness check measures (or up to the last "
                                                                "full month)."))
    after_months = models.JSONField(_("months after"), default=list, blank=True, editable=False)
    after_value = models.FloatField(_("value after"), null=True, blank=True, editable=False)
    after_detail = models.JSONField(_("value after counted from"), default=dict, blank=True, editable=False)
    improved = models.BooleanField(_("moved the right way"), null=True, blank=True, editable=False)
    target_reached = models.BooleanField(_("target reached"), null=True, blank=True, editable=False)
    effective = models.BooleanField(_("effective"), null=True, blank=True, editable=False)
    check_conclusion = models.TextField(_("reviewer's conclusion"), blank=True, editable=False)
    checked_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", editable=False,
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="improvement_number_version",
                                    violation_error_message=_("This number and version already exist.")),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def clean(self):
        super().clean()
        if self.contract_id:
            self.customer_id = self.contract.customer_id
        if self.measure in MeasureKind.values:
            param = self.measure_param
            if measures.measure_of(self.measure).param == "category" and not param:
                raise ValidationError({"measure_category": _t("Name the ticket category to count.")})
            if measures.measure_of(self.measure).param != "priority" and self.measure_priority:
                self.measure_priority = ""
            if measures.measure_of(self.measure).param != "category" and self.measure_category:
                self.measure_category = ""
        if self.source_kind in TYPED_BY_HAND and self.source_kind != SourceKind.OTHER and not self.source_type_id \
                and not (self.source_reference or "").strip():
            raise ValidationError({"source_reference": _t("Give the reference of the complaint or finding.")})
        if self.implemented_on and self.implemented_on > timezone.localdate():
            raise ValidationError({"implemented_on": _t("The implemented date cannot be in the future.")})
        if self.pk and self.baseline_months and self.status != ImprovementStatus.DRAFT \
                and self.baseline_detail.get("key") != self.measure_key:
            raise ValidationError({"measure": _t("The measure and its baseline are fixed once the work started.")})

    def full_clean(self, *args, **kwargs):
        if not self.title and self.source_label:
            self.title = (_t("Improvement: %(source)s") % {"source": self.source_label})[:200]
        return super().full_clean(*args, **kwargs)

    # ---- the measure ----
    @property
    def measure_param(self) -> str:
        kind = measures.measure_of(self.measure).param if self.measure in MeasureKind.values else ""
        return self.measure_priority if kind == "priority" else self.measure_category if kind == "category" else ""

    @property
    def measure_key(self) -> str:
        """What the baseline was taken for: a changed measure or contract (in a draft) takes it again."""
        return f"{self.measure}:{self.measure_param}:{self.contract_id or ''}"

    @property
    def measure_label(self) -> str:
        return measures.describe(self.measure, self.measure_param)

    @property
    def unit(self) -> str:
        return measures.unit_of(self.measure)

    @property
    def direction_label(self) -> str:
        from .choices import Direction

        return str(Direction(measures.direction_of(self.measure)).label)

    # ---- the source ----
    @property
    def source(self):
        if not self.source_type_id or not self.source_id:
            return None
        model = self.source_type.model_class()
        return model.objects.filter(pk=self.source_id).first() if model is not None else None

    @property
    def source_text(self) -> str:
        parts = [self.get_source_kind_display()]
        if self.source_label:
            parts.append(self.source_label)
        if self.source_reference:
            parts.append(self.source_reference)
        return " · ".join(parts)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES and self.is_latest

    @property
    def overdue(self) -> bool:
        return self.status in (ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS) and \
            self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def check_recorded(self) -> bool:
        return bool(self.checked_at and self.after_months and self.effective is not None)

    def check_url(self):
        return reverse("improvement:improvement_check", args=[self.pk])

    def export_sections(self, language):
        from .exports import improvement_sections

        return improvement_sections(self, language)
