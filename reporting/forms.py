from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import rows
from core.choices import RecordStatus
from core.forms import ControlledRecordForm, Form, ModelForm
from org.models import DELIVERY_ROLES
from projects.choices import ReportSection

from .choices import AgreementDecision, Metric, ReportStatus, Score, SurveyOccasion
from .models import (
    ActionItem,
    InternalServiceReport,
    MeetingMinutes,
    MonthlyServiceReport,
    QualityMeeting,
    ReportProfile,
    SatisfactionResponse,
)
from .services import meetings, monthly


class LinesField(forms.CharField):
    """A list of strings edited one per line."""

    widget = forms.Textarea

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class AgendaField(LinesField):
    """Agenda items one per line; a number typed in front of an item is dropped (the agenda is numbered)."""

    def to_python(self, value):
        from .models import unnumbered

        return [item for item in (unnumbered(line) for line in super().to_python(value)) if item]


def plan_defaults(contract):
    """The agreed reporting plan of the contract's project plan (SP-4.3.4), if one exists."""
    from projects.models import ProjectPlan

    plan = ProjectPlan.objects.filter(project__contract__number=contract.number).order_by("-status", "-version") \
        .filter(status__in=[RecordStatus.APPROVED, RecordStatus.IN_REVIEW, RecordStatus.DRAFT, RecordStatus.RETURNED]) \
        .first()
    if plan is None:
        return {}
    return {"report_period": plan.report_period, "sections": list(plan.report_sections or []),
            "recipients": [r for r in plan.report_recipients or [] if "@" in r]}


class ReportProfileForm(ControlledRecordForm):
    sections = forms.MultipleChoiceField(label=_("report content"), choices=ReportSection.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    metrics = forms.MultipleChoiceField(label=_("metrics shown"), choices=Metric.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("None ticked: all metrics."))
    recipients = LinesField(label=_("customer recipients"), required=False,
                            help_text=_("E-mail addresses, one per line."))

    class Meta(ControlledRecordForm.Meta):
        model = ReportProfile
        fields = ["title", "contract", "owner_department", "report_period", "sections", "metrics", "recipients",
                  "language", "due_day", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("sections", "metrics"):
            self.fields[name].widget.attrs.pop("class", None)
        contract = self.initial.get("contract")
        if not self.instance.pk and contract is not None and not self.is_bound:
            for key, value in plan_defaults(contract).items():
                self.initial.setdefault(key, value)
            self.initial.setdefault("title", _t("Report profile: %(c)s") % {"c": contract.title})


class MonthlyReportForm(ControlledRecordForm):
    """The report's own fields plus, per missed target, its analysis and improvement action."""

    class Meta(ControlledRecordForm.Meta):
        model = MonthlyServiceReport
        fields = ["title", "contract", "year", "month", "owner_department", "summary", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["title"].required = False
        self.analyses = list(self.instance.analyses.all()) if self.instance.pk else []
        if self.instance.pk:
            for name in ("contract", "year", "month"):
                self.fields[name].disabled = True
        for analysis in self.analyses:
            self.fields[f"analysis_{analysis.pk}"] = forms.CharField(
                label=_t("Analysis: %(m)s") % {"m": analysis.metric_label}, required=False,
                initial=analysis.analysis, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
            self.fields[f"improvement_{analysis.pk}"] = forms.CharField(
                label=_t("Improvement action: %(m)s") % {"m": analysis.metric_label}, required=False,
                initial=analysis.improvement, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def clean(self):
        data = super().clean()
        contract, year, month = data.get("contract"), data.get("year"), data.get("month")
        if not data.get("title") and contract and year and month:
            label = _t("Monthly service report")
            data["title"] = f"{contract.customer} {label} {year}-{month:02d}"
            self.instance.title = data["title"]
        return data

    def save_related(self, user):
        data = self.cleaned_data
        monthly.save_analyses(self.instance, {a.metric_key: (data.get(f"analysis_{a.pk}", ""),
                                                             data.get(f"improvement_{a.pk}", ""))
                                              for a in self.analyses}, user)


class InternalReportForm(ControlledRecordForm):
    class Meta(ControlledRecordForm.Meta):
        model = InternalServiceReport
        fields = ["title", "owner_department", "scope", "department", "year", "month", "conclusions", "change_note"]


def action_owners():
    """Who may own a meeting's action: delivery staff (not the general manager, the auditor or sales)."""
    return get_user_model().objects.holding(DELIVERY_ROLES)


def action_projects():
    """The projects an action may be about: the open ones (a closed project takes no new work)."""
    from projects.choices import ProjectStatus
    from projects.models import Project

    return Project.objects.filter(status=ProjectStatus.OPEN).order_by("code")


def _users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class QualityMeetingForm(ModelForm):
    # Who is invited; who attended is recorded in the minutes, at the meeting.
    attendees = forms.ModelMultipleChoiceField(label=_("Invitees"), queryset=_users(), required=False,
                                               help_text=_("Who attended is recorded in the minutes."))
    agenda = AgendaField(label=_("agenda"), required=False,
                        help_text=_("One item per line. Empty: pre-filled from the internal report."))

    class Meta:
        model = QualityMeeting
        fields = ["title", "year", "month", "start", "end", "location", "chair", "minute_taker", "internal_report",
                  "agenda"]
        widgets = {"start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not self.instance.pk:
            meetings.organise(self.instance, user)
        self.fields["attendees"].queryset = _users()
        if self.instance.pk:
            self.initial["attendees"] = [a.user_id for a in self.instance.attendees.all()]
        else:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("month", today.month)

    def clean(self):
        data = super().clean()
        data["agenda"] = meetings.agenda_or_default(data.get("agenda"), data.get("internal_report"))
        self.instance.agenda = data["agenda"]
        return data

    def save_related(self, user):
        meetings.set_attendees(self.instance, self.cleaned_data.get("attendees") or [], user)


NEW_ACTION_ROWS = 3


class MinutesForm(ControlledRecordForm):
    """Minutes with a discussion field per agenda item and action rows (existing ones plus blank ones)."""

    class Meta(ControlledRecordForm.Meta):
        model = MeetingMinutes
        fields = ["title", "meeting", "owner_department", "decisions", "change_note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["title"].required = False
        meeting = self.instance.meeting if self.instance.meeting_id else self.initial.get("meeting")
        if isinstance(meeting, int | str) and meeting:
            meeting = QualityMeeting.objects.filter(pk=meeting).first()
        if self.is_bound and not meeting and self.data.get("meeting"):
            meeting = QualityMeeting.objects.filter(pk=self.data.get("meeting")).first()
        self.agenda = meeting.agenda_items if meeting else []
        self.meeting = meeting
        if meeting:
            invitees = list(meeting.attendees.select_related("user"))
            self.fields["present"] = forms.ModelMultipleChoiceField(
                label=_("Present at the meeting"), required=False, widget=forms.CheckboxSelectMultiple,
                queryset=_users().filter(pk__in=[a.user_id for a in invitees]),
                initial=[a.user_id for a in invitees if a.present],
                help_text=_("Tick who attended; the other invitees are recorded as absent."))
        said = {d.get("item"): d.get("discussion", "") for d in self.instance.discussion or []}
        for i, item in enumerate(self.agenda):
            self.fields[f"discussion_{i}"] = forms.CharField(
                label=item, required=False, initial=said.get(item, ""),
                widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
        self.actions = list(self.instance.actions.all()) if self.instance.pk else []
        users, projects = action_owners(), action_projects()
        for key, action in [(str(a.pk), a) for a in self.actions] + [(f"new{i}", None) for i in range(NEW_ACTION_ROWS)]:
            self.fields[f"action_{key}_description"] = forms.CharField(
                label=_("action item"), required=False, max_length=300, initial=getattr(action, "description", ""),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
            self.fields[f"action_{key}_owner"] = forms.ModelChoiceField(
                label=_("owner"), queryset=users, required=False, initial=getattr(action, "owner_id", None),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.fields[f"action_{key}_due"] = forms.DateField(
                label=_("due date"), required=False, initial=getattr(action, "due_date", None),
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
            self.fields[f"action_{key}_project"] = forms.ModelChoiceField(
                label=_("project"), queryset=projects, required=False, initial=getattr(action, "project_id", None),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
        self.action_keys = [str(a.pk) for a in self.actions] + [f"new{i}" for i in range(NEW_ACTION_ROWS)]
        meeting_section, decisions_section = type(self).fieldsets
        discussion = tuple(f"discussion_{i}" for i in range(len(self.agenda)))
        self.fieldsets = (meeting_section, *([(_("Discussion"), discussion)] if discussion else []), decisions_section)

    fieldsets = (
        (_("Meeting"), ("title", "meeting", "owner_department", "present")),
        (_("Decisions"), ("decisions", "change_note")),
    )

    def rendered_apart(self):
        return [f"action_{key}_{part}" for key in self.action_keys
                for part in ("description", "owner", "due", "project")]

    def action_rows(self):
        return [(key, self[f"action_{key}_description"], self[f"action_{key}_owner"], self[f"action_{key}_due"],
                 self[f"action_{key}_project"]) for key in self.action_keys]

    def discussion_fields(self):
        return [self[f"discussion_{i}"] for i in range(len(self.agenda))]

    def clean(self):
        data = super().clean()
        meeting = data.get("meeting")
        if not data.get("title") and meeting:
            data["title"] = _t("Minutes: %(m)s") % {"m": meeting.title}
            self.instance.title = data["title"]
        self.instance.discussion = [{"item": item, "discussion": data.get(f"discussion_{i}", "")}
                                    for i, item in enumerate(self.agenda)]
        for key in self.action_keys:
            text = data.get(f"action_{key}_description")
            if text and not (data.get(f"action_{key}_owner") and data.get(f"action_{key}_due")):
                self.add_error(f"action_{key}_description", _t("An action needs an owner and a due date."))
        return data

    def save_related(self, user):
        """Attendance as ticked; the action rows as listed: a row whose description is cleared is deleted."""
        if "present" in self.fields and self.meeting is not None:
            meetings.record_attendance(self.meeting, self.cleaned_data.get("present") or [], user)
        listed = [{"id": None if key.startswith("new") else int(key),
                   "description": self.cleaned_data.get(f"action_{key}_description"),
                   "owner": self.cleaned_data.get(f"action_{key}_owner"),
                   "due_date": self.cleaned_data.get(f"action_{key}_due"),
                   "project": self.cleaned_data.get(f"action_{key}_project")} for key in self.action_keys]
        rows.replace(self.instance, "actions", [row for row in listed if row["description"]], user)


class ActionItemForm(ModelForm):
    class Meta:
        model = ActionItem
        # The status changes through reporting.services.meetings.set_action_status (close, cancel, reopen).
        fields = ["minutes", "description", "owner", "due_date", "project"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_owners()
        self.fields["project"].queryset = action_projects()
        if self.instance.pk:  # an action stays in the minutes that decided it
            self.fields["minutes"].disabled = True


# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
class SatisfactionForm(ModelForm):
    """The Service Department records an answer the customer gave on paper or by phone, naming the customer's
    person who gave it (a customer contact answers on the survey page: SurveyForm)."""

    class Meta:
        model = SatisfactionResponse
        fields = ["occasion", "report", "contract", "year", "month", "score", "comment", "respondent_name"]
        widgets = {"score": forms.RadioSelect, "comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["score"].choices = list(Score.choices)
        self.fields["report"].queryset = MonthlyServiceReport.objects.filter(status=ReportStatus.ISSUED) \
            .select_related("contract")
        self.fields["report"].help_text = _("After a monthly report: the issued report (it gives the contract and "
                                            "the month).")
        for name in ("contract", "year", "month"):
            self.fields[name].required = False
        self.fields["month"].help_text = _("At acceptance: the month answered (default: this month).")
        self.fields["respondent_name"].help_text = _("The customer's person who gave this answer.")

    def clean(self):
        data = super().clean()
        if data.get("occasion") == SurveyOccasion.MONTHLY_REPORT and not data.get("report"):
            self.add_error("report", _t("Choose the issued report the answer is about."))
        if data.get("occasion") == SurveyOccasion.ACCEPTANCE and not data.get("contract"):
            self.add_error("contract", _t("Choose the contract."))
        return data

    def answer(self, user):
        """Record the answer through the service (written once, never through a generic save)."""
        from .services import satisfaction

        data = self.cleaned_data
        return satisfaction.record(score=data["score"], occasion=data["occasion"], report=data.get("report"),
                                   contract=data.get("contract"), comment=data.get("comment", ""), user=user,
                                   respondent_name=data.get("respondent_name", ""), year=data.get("year"),
                                   month=data.get("month"))


class SurveyForm(Form):
    """The customer contact's answer: how satisfied, 1–5, and a comment."""

    score = forms.TypedChoiceField(label=_("score"), choices=Score.choices, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What went well, what should improve (optional)."))


class ProfileAgreementForm(Form):
    decision = forms.ChoiceField(label=_("decision"), choices=AgreementDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when you ask for changes: say what should change."))
