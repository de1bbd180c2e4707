from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views import View
from django.views.generic import DetailView

from contracts.models import Contract
from core import audit, display
from core.choices import AuditAction
from core.permissions import allowed
from core.responses import error_html, error_messages
from core.views import ObjectDetailView, ObjectEditView, PermissionMixin, RecordViews, hx_redirect

from . import exports
from .choices import ActionStatus
from .figures import (
    category_label,
    category_rows,
    format_row,
    month_on_month,
    percent_axis_floor,
    problem_rows,
    table_columns,
)
from .filtersets import (
    ActionItemFilterSet,
    InternalServiceReportFilterSet,
    MeetingMinutesFilterSet,
    MonthlyServiceReportFilterSet,
    QualityMeetingFilterSet,
    ReportProfileFilterSet,
    SatisfactionResponseFilterSet,
)
from .forms import (
    ActionItemForm,
    InternalReportForm,
    MinutesForm,
    MonthlyReportForm,
    QualityMeetingForm,
    ProfileAgreementForm,
    ReportProfileForm,
    SatisfactionForm,
    SurveyForm,
)
from .models import (
    ActionItem,
    InternalServiceReport,
    MeetingMinutes,
    MonthlyServiceReport,
    QualityMeeting,
    ReportProfile,
    SatisfactionResponse,
)
from .services import internal, meetings, monthly, satisfaction
from .services.satisfaction import is_customer
from .tables import (
    ActionItemTable,
    InternalServiceReportTable,
    MeetingMinutesTable,
    MonthlyServiceReportTable,
    QualityMeetingTable,
    ReportProfileTable,
    SatisfactionResponseTable,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class InitialFromQueryMixin:
    """?contract=, ?meeting=, ... pre-select a field of a new record."""

    query_initial = {}

    def get_initial(self):
        initial = super().get_initial()
        for name, model in self.query_initial.items():
            value = self.request.GET.get(name)
            if value and value.isdigit():
                initial[name] = model.objects.filter(pk=value).first()
        return initial


class ProfileEditView(InitialFromQueryMixin, ObjectEditView):
    query_initial = {"contract": Contract}


class ReportEditView(InitialFromQueryMixin, ObjectEditView):
    query_initial = {"contract": Contract}

    def get_initial(self):
        initial = super().get_initial()
        year, month = monthly.last_month()
        for name, default in (("year", year), ("month", month)):  # ?year=&month= from the work queue
            value = self.request.GET.get(name, "")
            initial.setdefault(name, int(value) if value.isdigit() else default)
        return initial


class MinutesEditView(InitialFromQueryMixin, ObjectEditView):
    query_initial = {"meeting": QualityMeeting}


class InternalEditView(ObjectEditView):
    """?year=&month= (from an approved monthly report's "prepare internal report") set the month."""

    def get_initial(self):
        initial = super().get_initial()
        for name in ("year", "month"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial


class MeetingEditView(InitialFromQueryMixin, ObjectEditView):
    """?internal_report= (from the internal report's "schedule quality meeting") sets the report and its month."""

    query_initial = {"internal_report": InternalServiceReport}

    def get_initial(self):
        initial = super().get_initial()
        report = initial.get("internal_report")
        if self.object is None and report is not None:
            initial.update(year=report.year, month=report.month)
        return initial


class MonthlyReportDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        data = report.snapshot or {}
        context.update(
            can_generate=monthly.may_generate(report, self.request.user),
            needs_reason=monthly.needs_reason(report),
            columns=table_columns(),
            rows=[(row, format_row(row)) for row in data.get("table", [])],
            analyses=list(report.analyses.all()),
            missing=report.missing_analyses() if data else [],
            data=data,
            change=month_on_month(data["volume"]["current"], data["volume"]["previous"]) if data else None,
            chart=_chart_data(data) if data else None,
            category_rows=category_rows(data["categories"]) if data else [],
            problem_rows=problem_rows(data["problems"]) if data else [],
        )
        return context


CHART_CATEGORIES = 10  # the category chart shows the largest nine and sums the rest as "other"


def _chart_data(data):
    """The monthly report's charts (json_script #report-chart-data): titles and units in the reader's language,
    None where a month has no data (a gap, not 0 or 100 %), percent axes fitted to the data and the targets."""
    rows = {(r["kind"], r.get("priority")): r for r in data["table"]}
    priorities = ["P1", "P2", "P3", "P4"]
    response = [(rows.get(("response", p)) or {}).get("actual") for p in priorities]
    resolution = [(rows.get(("resolution", p)) or {}).get("actual") for p in priorities]
    targets = [(rows.get(("response", p)) or {}).get("target") for p in priorities]
    trend = data["trend"]
    availability_target = (data.get("metrics") or {}).get("availability_target")
    categories = data["categories"]
    if len(categories) > CHART_CATEGORIES:
        rest = categories[CHART_CATEGORIES - 1:]
        categories = [*categories[:CHART_CATEGORIES - 1], {
            "category": _t("Other categories (%(n)s)") % {"n": len(rest)},
            "count": sum(c["count"] for c in rest), "previous": sum(c["previous"] for c in rest)}]
    return {
        "labels": {"response": _t("Response achievement"), "resolution": _t("Resolution achievement"),
                   "target": _t("Target"), "availability": _t("Availability"), "volume": _t("Tickets"),
                   "this_month": _t("This month"), "previous": _t("Previous month"),
                   "availability_target": _t("Availability target"), "percent": "%",
                   "count": _t("Tickets (count)"), "no_data": _t("no data")},
        "titles": {"priority": _t("Achievement per priority (%)"), "categories": _t("Tickets by category (count)"),
                   "trend": _t("12-month trend (%, tickets)")},
        "priorities": priorities,
        "response": response,
        "resolution": resolution,
        "targets": targets,
        "priority_floor": percent_axis_floor([*response, *resolution, *targets]),
        "trend": {"labels": [p["label"] for p in trend],
                  "response": [p["response"] for p in trend],
                  "resolution": [p["resolution"] for p in trend],
                  "availability": [p["availability"] for p in trend],
                  "volume": [p["volume"] for p in trend],
                  "availability_target": availability_target,
                  "floor": percent_axis_floor([*(p[k] for p in trend for k in ("response", "resolution",
                                                                                "availability")),
                                               availability_target])},
        "categories": {"names": [category_label(c["category"]) for c in categories],
                       "count": [c["count"] for c in categories],
                       "previous": [c["previous"] for c in categories]},
    }


class RecordPostView(LoginRequiredMixin, View):
    """A POST action on one record; refusals become messages."""

    model = None
    action = "change"

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.restrict(request.user, "view"), pk=pk)
        if not allowed(request.user, self.model, self.action):
            raise PermissionDenied
        try:
            target = self.act(obj, request) or obj
        except ValidationError as exc:
            messages.error(request, error_html(exc))
            return hx_redirect(request, obj.get_absolute_url())
        return hx_redirect(request, target.get_absolute_url())


class GenerateReportView(RecordPostView):
    model = MonthlyServiceReport

    def act(self, report, request):
        target = monthly.start_generation(report, request.user, reason=request.POST.get("reason", ""))
        if target.pk != report.pk:
            messages.info(request, _t("Version %(v)s created: an approved report is never altered.")
                          % {"v": target.version})
        messages.success(request, _t("Generation started."))
        return target


class ReportProgressView(PermissionMixin, DetailView):
    model = MonthlyServiceReport
    template_name = "reporting/partials/generation.html"
    context_object_name = "report"

    def get_queryset(self):
        return self.restricted()


class GenerateInternalView(RecordPostView):
    model = InternalServiceReport

    def act(self, report, request):
        target = internal.generate_internal(report, request.user)
        messages.success(request, _t("Figures generated."))
        return target


class XlsxView(PermissionMixin, DetailView):
    builder = None

    def get_queryset(self):
        return self.restricted()

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        content = type(self).builder(obj)
        audit.record_entry(AuditAction.EXPORT, obj, comment="xlsx")
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{obj.number}-V{obj.version}.xlsx"'
        return response


class MonthlyXlsxView(XlsxView):
    model = MonthlyServiceReport
    builder = exports.monthly_xlsx


class InternalXlsxView(XlsxView):
    model = InternalServiceReport
    builder = exports.internal_xlsx


class InternalDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_generate"] = monthly.may_generate(self.object, self.request.user)
        context["data"] = data = self.object.snapshot or {}
        lines = data.get("lines", [])
        context["lines"] = list(zip(lines, internal_line_links(self.object, lines, self.request.user), strict=True))
        return context


def internal_line_links(internal, lines, user):
    """[(contract url, report url)] per snapshot line, for the records the reader may open (two queries)."""
    contracts = {pk: c.get_absolute_url() for pk, c in Contract.objects.restrict(user, "view").in_bulk(
        [line.get("contract_id") for line in lines]).items()}
    reports = {r.number: r.get_absolute_url() for r in MonthlyServiceReport.objects.restrict(user, "view").filter(
        number__in=[line["report"] for line in lines if line.get("report")], year=internal.year,
        month=internal.month).order_by("version")}
    return [(contracts.get(line.get("contract_id")), reports.get(line.get("report"))) for line in lines]


class MeetingDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        context.update(attendees=list(meeting.attendees.select_related("user")), minutes=meeting.minutes,
                       can_write_minutes=allowed(self.request.user, MeetingMinutes, "add"))
        return context


class MeetingIcsView(PermissionMixin, DetailView):
    model = QualityMeeting

    def get_queryset(self):
        return self.restricted()

    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        response = HttpResponse(meetings.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


class MeetingInviteView(RecordPostView):
    model = QualityMeeting

    def act(self, meeting, request):
        recipients = meetings.send_invitation(meeting, request.user)
        messages.success(request, _t("Invitation sent to %(n)s people.") % {"n": len(recipients)})


class MinutesDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(actions=list(self.object.actions.select_related("owner")),
                       attendees=list(self.object.meeting.attendees.select_related("user")),
                       can_track=allowed(self.request.user, ActionItem, "change"), today=timezone.localdate())
        return context


class CloseActionView(RecordPostView):
    """Close (done), cancel or reopen an action: tracked to closure whatever the minutes' state."""

    model = ActionItem

    def act(self, action, request):
        status = ActionStatus.OPEN if request.POST.get("reopen") else \
            ActionStatus.CANCELLED if request.POST.get("cancel") else ActionStatus.DONE
        meetings.set_action_status(action, status, request.user)
        messages.success(request, _t("Action “%(a)s” is %(s)s.") % {"a": action, "s": action.get_status_display()})


class ProfileFromPlanView(LoginRequiredMixin, View):
    """POST from the project plan's page: set up (or update) the contract's report settings from the plan."""

    def post(self, request, pk):
        from projects.models import ProjectPlan

        from .services.profiles import set_up_from_plan

        plan = get_object_or_404(ProjectPlan.objects.restrict(request.user, "view"), pk=pk)
        try:
            profile = set_up_from_plan(plan, request.user)
        except ValidationError as exc:
            messages.error(request, error_html(exc))
            return hx_redirect(request, plan.get_absolute_url())
        messages.success(request, _t("Report settings %(number)s follow the plan's reporting section.")
                         % {"number": profile.number})
        return hx_redirect(request, plan.get_absolute_url())


class ReportProfileViews(RecordViews):
    model = ReportProfile
    table = ReportProfileTable
    filterset = ReportProfileFilterSet
    form = ReportProfileForm
    edit_view = ProfileEditView
    select_related = ("owner_department", "author", "contract")
    detail_fields = ("contract", "report_period", "sections", "metrics", "recipients", "language", "due_day",
                     "owner_department", "change_note")


class MonthlyServiceReportViews(RecordViews):
    model = MonthlyServiceReport
    table = MonthlyServiceReportTable
    filterset = MonthlyServiceReportFilterSet
    form = MonthlyReportForm
    edit_view = ReportEditView
    detail_view = MonthlyReportDetailView
    select_related = ("owner_department", "author", "contract")
    detail_fields = ("contract", "year", "month", "summary", "generated_at", "issued_at", "issued_to",
                     "owner_department", "change_note")


class InternalServiceReportViews(RecordViews):
    model = InternalServiceReport
    table = InternalServiceReportTable
    filterset = InternalServiceReportFilterSet
    form = InternalReportForm
    detail_view = InternalDetailView
    edit_view = InternalEditView
    select_related = ("owner_department", "author", "department")
    detail_fields = ("scope", "department", "year", "month", "conclusions", "generated_at", "owner_department")


class QualityMeetingViews(RecordViews):
    model = QualityMeeting
    table = QualityMeetingTable
    filterset = QualityMeetingFilterSet
    form = QualityMeetingForm
    detail_view = MeetingDetailView
    edit_view = MeetingEditView
    select_related = ("chair", "minute_taker")
    detail_fields = ("year", "month", "start", "end", "location", "chair", "minute_taker", "internal_report",
                     "invitation_sent_at")


class MeetingMinutesViews(RecordViews):
    model = MeetingMinutes
    table = MeetingMinutesTable
    filterset = MeetingMinutesFilterSet
    form = MinutesForm
    edit_view = MinutesEditView
    detail_view = MinutesDetailView
    select_related = ("owner_department", "author", "meeting")
    detail_fields = ("meeting", "decisions", "distributed_at", "distributed_to", "owner_department")


class ActionItemViews(RecordViews):
    model = ActionItem
    table = ActionItemTable
    filterset = ActionItemFilterSet
    form = ActionItemForm
    select_related = ("owner", "minutes")
    detail_fields = ("minutes", "description", "owner", "due_date", "project", "status", "closed_at")




# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
class SatisfactionEditView(InitialFromQueryMixin, ObjectEditView):
    """The Service Department's entry of an answer given on paper or by phone (?contract= from the contract's
    page). Answers are written once: there is no edit page."""

    query_initial = {"contract": Contract}

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:  # an answer is never changed
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            answer = form.answer(self.request.user)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _t("Saved %(obj)s.") % {"obj": answer})
        return hx_redirect(self.request, answer.get_absolute_url())


class SatisfactionResponseViews(RecordViews):
    model = SatisfactionResponse
    table = SatisfactionResponseTable
    filterset = SatisfactionResponseFilterSet
    form = SatisfactionForm
    edit_view = SatisfactionEditView
    select_related = ("contract", "contract__customer")
    detail_fields = ("contract", "occasion", "year", "month", "report", "score", "comment", "respondent_name",
                     "respondent", "answered_at")


class CustomerPageView(LoginRequiredMixin, View):
    """A page for the customer contact (core.middleware lets them in); the company's people are sent to the
    record's own page. The record is fetched through restrict(): the customer's reach and share rules decide."""

    customer_facing = True
    model = None
    template_name = ""

    def record(self, pk):
        return get_object_or_404(self.model.objects.restrict(self.request.user, "view"), pk=pk)

    def show(self, record, form, status=200):
        return render(self.request, self.template_name, {**self.context(record), "form": form}, status=status)

    def get(self, request, pk):
        record = self.record(pk)
        if not is_customer(request.user):
            return redirect(record.get_absolute_url())
        return self.show(record, self.form_class())

    def post(self, request, pk):
        record = self.record(pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                message = self.act(record, form.cleaned_data)
            except ValidationError as exc:
                for text in error_messages(exc):
                    form.add_error(None, text)
            else:
                messages.success(request, message)
                return hx_redirect(request, reverse(settings.SERVPLAN_OUTSIDE_HOME))
        return self.show(record, form, status=400)


class SurveyView(CustomerPageView):
    """The satisfaction survey of an issued monthly report (linked from the issue e-mail and the customer's
    home): "How satisfied are you with this month's service?" 1–5 and a comment, answered once."""

    model = MonthlyServiceReport
    template_name = "reporting/survey.html"
    form_class = SurveyForm

    def context(self, report):
        answer = SatisfactionResponse.objects.filter(respondent=self.request.user, report__number=report.number,
                                                     year=report.year, month=report.month).first()
        return {"report": report, "answer": answer, "may_answer": satisfaction.may_answer(self.request.user, report)}

    def act(self, report, data):
        satisfaction.answer_report(report, self.request.user, data["score"], data.get("comment", ""))
        return _t("Thank you: your answer is recorded.")


class ProfileAgreementView(CustomerPageView):
    """The customer contact agrees the report settings in force, or asks for changes with a comment."""

    model = ReportProfile
    template_name = "reporting/profile_agreement.html"
    form_class = ProfileAgreementForm

    def context(self, profile):
        from .services import agreement

        names = ("contract", "report_period", "sections", "metrics", "recipients", "language", "due_day")
        return {"profile": profile,
                "fields": [(profile._meta.get_field(n).verbose_name, display.field_value(profile, n)) for n in names],
                "answers": profile.agreements.order_by("-decided_at", "-pk"),
                "may_decide": agreement.may_decide(self.request.user, profile)}

    def act(self, profile, data):
        from .services.agreement import decide

        answer = decide(profile, self.request.user, data["decision"], data.get("comment", ""))
        return _t("Your answer is recorded: %(d)s.") % {"d": answer.get_decision_display()}
