"""Monthly service reports, internal service reports, quality meetings and their minutes (SP-4.5.1).

A monthly report's figures are computed by `servicedata.sla` and frozen in the record as a JSON snapshot
when it is generated; regenerating an approved or issued report makes a new version (`records.new_version`),
never alters it. Each missed target needs a `MetricAnalysis` (analysis + improvement action) before approval.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import display
from core.choices import RecordStatus
from core.models import BaseModel, ChildRow, ControlledRecord
from core.querysets import RestrictedQuerySet
from projects.choices import ReportPeriod, ReportSection

from .choices import (
    ActionStatus,
    AgreementDecision,
    GenerationStatus,
    Metric,
    ReportLanguage,
    Scope,
    Score,
    SurveyOccasion,
)

USER = settings.AUTH_USER_MODEL

_NUMBERING = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、)）:：]\s*|^\s*[-•*]\s+")


def unnumbered(item):
    """An agenda item without a number or bullet typed in front of it (`1. Status` -> `Status`)."""
    return _NUMBERING.sub("", str(item), count=1).strip()
MONTH = [MinValueValidator(1), MaxValueValidator(12)]


def unique_version(name):
    return models.UniqueConstraint(fields=["number", "version"], name=f"{name}_number_version",
                                   violation_error_message=_("This number and version already exist."))


def _emails(values):
    from django.core.validators import validate_email

    bad = []
    for value in values or []:
        try:
            validate_email(value)
        except ValidationError:
            bad.append(str(value))
    return bad


class ReportProfile(ControlledRecord):
    """What the customer agreed to receive for one contract: sections, period, recipients, language, metrics."""

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    report_period = models.CharField(_("report period"), max_length=10, choices=ReportPeriod.choices,
                              default=ReportPeriod.MONTHLY)
    sections = models.JSONField(_("report content"), default=list, blank=True)
    recipients = models.JSONField(_("customer recipients"), default=list, blank=True,
                                  help_text=_("E-mail addresses, one per line."))
    language = models.CharField(_("language"), max_length=10, choices=ReportLanguage.choices,
                                default=ReportLanguage.CHINESE)
    metrics = models.JSONField(_("metrics shown"), default=list, blank=True)
    due_day = models.PositiveSmallIntegerField(_("due day of month"), default=10,
                                               validators=[MinValueValidator(1), MaxValueValidator(28)],
                                               help_text=_("The report for a month is due by this day of the "
                                                           "next month."))

    class Meta(ControlledRecord.Meta):
        verbose_name = _("report profile")
        verbose_name_plural = _("report profiles")
        constraints = [unique_version("reporting_profile")]

    def clean(self):
        super().clean()
        if self.contract_id:
            self.customer_id = self.contract.customer_id
        unknown = [s for s in self.sections or [] if s not in ReportSection.values]
        if unknown:
            raise ValidationError({"sections": _t("Unknown report sections: %(s)s") % {"s": ", ".join(unknown)}})
        unknown = [m for m in self.metrics or [] if m not in Metric.values]
        if unknown:
            raise ValidationError({"metrics": _t("Unknown metrics: %(s)s") % {"s": ", ".join(unknown)}})
        bad = _emails(self.recipients)
        if bad:
            raise ValidationError({"recipients": _t("Not an e-mail address: %(s)s") % {"s": ", ".join(bad)}})

    def shows(self, metric):
        return not self.metrics or metric in self.metrics

    def export_sections(self, language):
        from .exports import profile_sections

        return profile_sections(self, language)


display.list_of_choices(ReportProfile, "sections", ReportSection)
display.list_of_choices(ReportProfile, "metrics", Metric)


def profile_for(contract):
    """The contract's report profile in force (latest approved, else latest), or None."""
    rows = ReportProfile.objects.filter(contract__number=contract.number).order_by("-version")
    return rows.filter(status=RecordStatus.APPROVED).first() or rows.first()


def profiles_for(numbers):
    """{contract number: its report profile in force} for many contracts at once (profile_for's rule)."""
    chosen = {}
    for profile in ReportProfile.objects.filter(contract__number__in=numbers).select_related("contract") \
            .order_by("-version"):
        current = chosen.get(profile.contract.number)
        if current is None or (profile.status == RecordStatus.APPROVED and current.status != RecordStatus.APPROVED):
            chosen[profile.contract.number] = profile
    return chosen


class MonthlyServiceReport(ControlledRecord):
    """服务月报: one contract, one month; figures frozen in `snapshot` when generated."""

    customer_copy = True  # sent to the customer: its export carries the customer's classification

    # A new version is a fresh draft: not issued, figures to be regenerated or confirmed.
    new_version_resets = ("issued_at", "issued_to")

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH)
    summary = models.TextField(_("service status summary"), blank=True,
                               help_text=_("The PM's summary of the month for the customer."))
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True, editable=False)
    generation = models.CharField(_("generation"), max_length=10, choices=GenerationStatus.choices,
                                  default=GenerationStatus.NONE, editable=False)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0, editable=False)
    generation_message = models.TextField(_("generation message"), blank=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    issued_to = models.JSONField(_("issued to"), default=list, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("monthly service report")
        verbose_name_plural = _("monthly service reports")
        constraints = [unique_version("reporting_monthly")]

    def clean(self):
        super().clean()
        if self.contract_id:
            self.customer_id = self.contract.customer_id
        if self.contract_id and self.year and self.month and not self.pk:
            clash = MonthlyServiceReport.objects.filter(contract__number=self.contract.number, year=self.year,
                                                        month=self.month).exclude(number=self.number or "")
            if clash.exists():
                raise ValidationError(_t("A report for this contract and month exists already (%(n)s): "
                                         "regenerate it instead.") % {"n": clash.first().number})

    @property
    def period_label(self):
        return f"{self.year}-{self.month:02d}"

    @property
    def generated(self):
        return bool(self.snapshot) and self.generation == GenerationStatus.DONE

    @property
    def profile(self):
        return profile_for(self.contract)

    def missed_rows(self):
        return [row for row in self.snapshot.get("table", []) if row.get("met") is False]

    def missing_analyses(self):
        """Missed targets without an analysis and an improvement action."""
        done = {a.metric_key for a in self.analyses.all() if a.analysis.strip() and a.improvement.strip()}
        return [row for row in self.missed_rows() if row["key"] not in done]

    def export_sections(self, language):
        from .exports import monthly_sections

        return monthly_sections(self, language)



class MetricAnalysis(ChildRow):
    """Why a target was missed and what will be improved (one per missed metric of a report version)."""

    parent_field = "report"
    row_key = ("metric_key",)

    report = models.ForeignKey(MonthlyServiceReport, models.CASCADE, related_name="analyses",
                               verbose_name=_("report"))
    metric_key = models.CharField(_("metric"), max_length=40)
    metric_label = models.CharField(_("metric name"), max_length=100)
    analysis = models.TextField(_("analysis"), blank=True)
    improvement = models.TextField(_("improvement action"), blank=True)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("metric analysis")
        verbose_name_plural = _("metric analyses")
        constraints = [models.UniqueConstraint(fields=["report", "metric_key"], name="reporting_one_analysis",
                                               violation_error_message=_("This metric has an analysis already."))]

    def __str__(self):
        return f"{self.report.number} {self.metric_label}"


class InternalServiceReport(ControlledRecord):
    """Internal service report: the same month across all contracts of a department or the company."""

    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices, default=Scope.COMPANY)
    department = models.ForeignKey("org.Department", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("department"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH)
    conclusions = models.TextField(_("conclusions"), blank=True)
    snapshot = models.JSONField(_("frozen figures"), default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("internal service report")
        verbose_name_plural = _("internal service reports")
        constraints = [unique_version("reporting_internal")]

    def clean(self):
        super().clean()
        if self.scope == Scope.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _t("Choose the department.")})

    @property
    def period_label(self):
        return f"{self.year}-{self.month:02d}"

    def export_sections(self, language):
        from .exports import internal_sections

        return internal_sections(self, language)


class QualityMeeting(BaseModel):
    """月度服务质量分析会议: scheduled per month; agenda pre-filled from the internal report."""

    links_as_record = True  # core.relations: listed with the records it comes from and leads to

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("chair"))
    minute_taker = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("minute-taker"))
    internal_report = models.ForeignKey(InternalServiceReport, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("internal report"))
    agenda = models.JSONField(_("agenda"), default=list, blank=True, help_text=_("One item per line."))
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True, editable=False)
    organiser = models.ForeignKey(USER, models.PROTECT, related_name="+", editable=False,
                                  verbose_name=_("organiser"), null=True)

    @property
    def agenda_items(self):
        """The agenda without the numbers people typed in front of items: lists number them (no `1. 1.`)."""
        return [unnumbered(item) for item in self.agenda or []]

    class Meta:
        ordering = ["-start"]
        verbose_name = _("quality meeting")
        verbose_name_plural = _("quality meetings")
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")),
                                              name="reporting_meeting_end_after_start",
                                              violation_error_message=_("The end must be after the start."))]

    def __str__(self):
        return f"{self.title} ({self.start:%Y-%m-%d})" if self.start else self.title

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _t("The end must be after the start.")})

    @property
    def minutes(self):
        return MeetingMinutes.objects.filter(meeting=self).order_by("-version").first()

    def get_ics_url(self):
        return reverse("reporting:qualitymeeting_ics", args=[self.pk])


class MeetingAttendee(ChildRow):
    """An invited person; the meeting is not a controlled record, so its attendees are never frozen."""

    parent_field = "meeting"
    row_key = ("user",)

    meeting = models.ForeignKey(QualityMeeting, models.CASCADE, related_name="attendees",
                                verbose_name=_("meeting"))
    user = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("attendee"))
    present = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="reporting_attendee_once",
                                               violation_error_message=_("Already invited."))]

    def __str__(self):
        return str(self.user)


class MeetingMinutes(ControlledRecord):
    """会议纪要 of one quality meeting: discussion per agenda item, decisions, action items."""

    new_version_resets = ("distributed_at", "distributed_to")

    meeting = models.ForeignKey(QualityMeeting, models.PROTECT, related_name="+", verbose_name=_("meeting"))
    discussion = models.JSONField(_("discussion"), default=list, blank=True,
                                  help_text=_("[{item, discussion}] per agenda item."))
    decisions = models.TextField(_("decisions"), blank=True)
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True, editable=False)
    distributed_to = models.JSONField(_("distributed to"), default=list, blank=True, editable=False)

    class Meta(ControlledRecord.Meta):
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")
        constraints = [unique_version("reporting_minutes")]

    def export_sections(self, language):
        from .exports import minutes_sections

        return minutes_sections(self, language)

    def recipients(self):
        users = [a.user for a in self.meeting.attendees.select_related("user")]
        users += [self.meeting.chair, self.meeting.minute_taker]
        return sorted({u.email for u in users if u.email})


class ActionItemQuerySet(RestrictedQuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=ActionStatus.OPEN, due_date__lt=today, minutes__successor__isnull=True)


class ActionItem(ChildRow):
    """A meeting action, tracked to closure; one calling for an improvement is raised into the improvement register."""

    parent_field = "minutes"
    # Actions are followed up (closed, reopened) after the minutes are approved and distributed.
    frozen_with_record = False

    minutes = models.ForeignKey(MeetingMinutes, models.CASCADE, related_name="actions", verbose_name=_("minutes"))
    description = models.CharField(pgettext_lazy("meeting action item", "action"), max_length=300)
    owner = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    # The project the action is about, if any: its closure checklist lists the action until it is closed.
    project = models.ForeignKey("projects.Project", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("project"),
                                help_text=_("The project this action is about; it must be closed before the "
                                            "project closes."))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.description

    @property
    def overdue(self):
        return self.status == ActionStatus.OPEN and self.due_date < timezone.localdate()


# ---- customer satisfaction (SP-4.5.1, SP-4.5.2) and the customer's agreement of the report profile --------
class SatisfactionResponse(BaseModel):
    """One customer answer to the satisfaction survey: a score 1–5 and a comment, for one contract and period.

    Asked after each issued monthly report (the report's month) and at acceptance (the month answered). Written
    once by `reporting.services.satisfaction.record` and never changed: the figures built on it stay true.
    """

    scope_paths = {"contract": "contract", "customer": "contract__customer"}

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    occasion = models.CharField(_("occasion"), max_length=20, choices=SurveyOccasion.choices,
                                default=SurveyOccasion.MONTHLY_REPORT)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH)
    report = models.ForeignKey(MonthlyServiceReport, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("monthly service report"))
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    respondent = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("respondent"))
    respondent_name = models.CharField(_("respondent name"), max_length=200)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-month", "-answered_at"]
        verbose_name = _("satisfaction response")
        verbose_name_plural = _("satisfaction responses")
        constraints = [
            models.UniqueConstraint(fields=["contract", "occasion", "year", "month", "respondent"],
                                    condition=Q(respondent__isnull=False), name="reporting_satisfaction_once",
                                    violation_error_message=_("You have answered this survey already.")),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="reporting_satisfaction_score",
                                   violation_error_message=_("The score is from 1 to 5.")),
        ]

    def __str__(self):
        return f"{self.contract.number} {self.period_label} {self.score}/5"

    @property
    def period_label(self):
        return f"{self.year}-{self.month:02d}"

    @property
    def points(self):
        """The score on the 0–100 scale (客户满意度 … 分)."""
        return self.score * 20

    def clean(self):
        if self.report_id and self.contract_id and self.report.contract.number != self.contract.number:
            raise ValidationError({"report": _t("The report is of another contract.")})


class ProfileAgreement(BaseModel):
    """The customer's answer on one version of the report profile: agreed, or changes requested with a comment
    (SP-4.5.1: the report's content and period are agreed with the customer)."""

    scope_paths = {"contract": "profile__contract", "customer": "profile__contract__customer"}

    profile = models.ForeignKey(ReportProfile, models.PROTECT, related_name="agreements",
                                verbose_name=_("report profile"))
    version = models.PositiveIntegerField(_("version agreed"))
    decision = models.CharField(_("decision"), max_length=10, choices=AgreementDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("customer contact"))
    name = models.CharField(_("name"), max_length=200)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("report profile agreement")
        verbose_name_plural = _("report profile agreements")

    def __str__(self):
        return f"{self.profile.number} v{self.version}: {self.get_decision_display()}"

    def clean(self):
        if self.decision == AgreementDecision.CHANGES_REQUESTED and not (self.comment or "").strip():
            raise ValidationError({"comment": _t("Say what should change.")})
