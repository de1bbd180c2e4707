import calendar as pycal
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from core.businesstime import shift_span as engine_span
from core.choices import RecordStatus
from core.permissions import allowed
from core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    PermissionMixin,
    PrefilledEditView,
    RecordViews,
    error_messages,
    hx_redirect,
)

from . import announcements, calendars
from .choices import DayKind, Weekday
from .filtersets import (
    CalendarDayFilterSet,
    CalendarFilterSet,
    ServiceFamilyFilterSet,
    ServiceFilterSet,
    ServiceTierFilterSet,
)
from .forms import AnnouncementForm, CalendarDayForm, CalendarForm, ServiceFamilyForm, ServiceForm, ServiceTierForm
from .models import Calendar, CalendarDay, Service, ServiceFamily, ServiceTier, shift_text
from .tables import CalendarDayTable, CalendarTable, ServiceFamilyTable, ServiceTable, ServiceTierTable


class CalendarDayDeleteView(ObjectDeleteView):
    """Deleting a day also freezes the calendar's new version."""

    delete_service = staticmethod(calendars.delete_day)


class ServiceTierEditView(PrefilledEditView):
    prefill = ("service",)


class CalendarDayEditView(PrefilledEditView):
    prefill = ("calendar",)


# ---- catalogue ------------------------------------------------------------------------------

class ServiceFamilyDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["services"] = self.object.services.select_related("owner")
        return context


class ServiceDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        context.update(
            tiers=service.tiers.exclude(status=RecordStatus.SUPERSEDED).select_related("service_window")
            .order_by("name", "-version"),
            supporting=service.supporting_services.all(),
            supported=service.supported_services.all(),
            can_add_tier=allowed(self.request.user, ServiceTier, "add"),
        )
        return context


class ServiceTierDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tier = self.object
        today = timezone.localdate()
        context.update(
            priority_targets=tier.priority_targets.all(),
            skills=tier.skills.all(),
            window_warning=calendars.holiday_warning(tier.service_window, today, date(today.year + 1, 12, 31)),
        )
        return context


class ServiceFamilyViews(RecordViews):
    model = ServiceFamily
    table = ServiceFamilyTable
    filterset = ServiceFamilyFilterSet
    form = ServiceFamilyForm
    detail_fields = ("code", "name", "description")
    detail_view = ServiceFamilyDetailView


class ServiceViews(RecordViews):
    model = Service
    table = ServiceTable
    filterset = ServiceFilterSet
    form = ServiceForm
    select_related = ("family", "owner")
    detail_fields = ("family", "code", "name", "description", "owner", "status")
    detail_view = ServiceDetailView


class ServiceTierViews(RecordViews):
    model = ServiceTier
    table = ServiceTierTable
    filterset = ServiceTierFilterSet
    form = ServiceTierForm
    select_related = ("service", "service_window", "owner_department", "author")
    detail_fields = ("service", "name", "owner_department", "description", "service_window", "availability_target",
                     "rto_minutes", "rpo_minutes", "max_tickets_per_month", "max_users", "max_devices",
                     "change_note")
    detail_view = ServiceTierDetailView
    edit_view = ServiceTierEditView


# ---- calendars ------------------------------------------------------------------------------

WEEKDAY_HEADS = (_("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa"), _("Su"))


def month_grid(spec, year, names):
    """Twelve months of weeks (Mon-Sun); each day cell says whether the calendar is open and why."""
    grid = pycal.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            weeks.append([_day_cell(spec, day, names) if day.month == month else None for day in week])
        months.append({"first": date(year, month, 1), "weeks": weeks})
    return months


def _day_cell(spec, day, names):
    shifts = spec.shifts_on(day)
    hours = ", ".join(shift_text(start, end) for start, end in shifts)
    if spec.always_open:
        kind = "holiday" if not shifts else "open"
    elif day in spec.holidays:
        kind = "holiday"
    elif day in spec.date_hours:
        kind = "hours"
    elif day in spec.adjusted_workdays:
        kind = "workday"
    else:
        kind = "open" if shifts else "closed"
    title = " · ".join(part for part in (day.isoformat(), names.get(day, ""), hours or _t("closed")) if part)
    return {"day": day, "kind": kind, "title": title, "overnight": any(end > 1440 for _start, end in shifts),
            "short_hours": hours if kind == "hours" else ""}


class CalendarDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cal = self.object
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("year", today.year))
        except ValueError:
            year = today.year
        year = min(max(year, 1900), 2200)
        versions = list(cal.versions.select_related("created_by")[:50])
        current = calendars.current_version(cal)
        if not versions or versions[0].pk != current.pk:
            versions.insert(0, current)
        shown = self._requested_version(cal, versions) or current
        is_current = shown.pk == current.pk
        spec = shown.to_spec()
        if is_current:
            day_rows = [{"date": d.date, "kind": d.kind, "kind_label": d.get_kind_display(), "name": d.name,
                         "hours": d.hours_label(), "source": d.get_source_display(), "url": d.get_absolute_url()}
                        for d in cal.days.filter(date__year=year).order_by("date")]
        else:  # a frozen version keeps dates, kinds and hours, not names
            day_rows = sorted(({"date": day, "kind": kind, "kind_label": DayKind(kind).label}
                               for kind, key in ((DayKind.HOLIDAY, "holidays"), (DayKind.WORKDAY, "adjusted_workdays"))
                               for day in map(date.fromisoformat, shown.data[key]) if day.year == year),
                              key=lambda row: row["date"])
            listed = {row["date"] for row in day_rows}
            day_rows = sorted(day_rows + [{"date": day, "kind": DayKind.HOURS, "kind_label": DayKind.HOURS.label}
                                          for day in spec.date_hours if day.year == year and day not in listed],
                              key=lambda row: row["date"])
            for row in day_rows:
                if row["date"] in spec.date_hours:
                    row["hours"] = ", ".join(shift_text(*engine_span(*shift))
                                             for shift in spec.date_hours[row["date"]])
        names = {row["date"]: row.get("name", "") for row in day_rows}
        check_years = sorted({year, today.year, today.year + 1})
        context.update(
            year=year, previous_year=year - 1, next_year=year + 1, weekday_heads=WEEKDAY_HEADS,
            shown_version=shown, is_current=is_current, calendar_versions=versions,
            weekly_hours=[(Weekday(d).label, [shift_text(*span) for span in spec.shifts_on_weekday(d)])
                          for d in range(7)],
            closed_on_holidays=shown.data.get("closed_on_holidays", False),
            months=month_grid(spec, year, names),
            day_rows=day_rows,
            missing_years=shown.missing_years(check_years),
            missing_warning=calendars.holiday_warning(shown, date(min(check_years), 1, 1),
                                                      date(max(check_years), 12, 31)),
        )
        return context

    def _requested_version(self, cal, versions):
        wanted = self.request.GET.get("version", "")
        if not wanted.isdigit():
            return None
        for version in versions:
            if version.number == int(wanted):
                return version
        return cal.versions.filter(number=int(wanted)).first()


class CalendarAnnouncementView(PermissionMixin, FormView):
    """Paste the State Council's announcement, preview the days it writes, confirm (catalog.announcements)."""

    model = Calendar
    action = "change"
    form_class = AnnouncementForm
    template_name = "catalog/calendar_announcement.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(Calendar.objects.restrict(request.user, "view"), pk=kwargs["pk"])
            if not Calendar.objects.restrict(request.user, "change").filter(pk=self.object.pk).exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "calendar": self.object}

    def form_valid(self, form):
        announcement = form.cleaned_data["announcement"]
        if "confirm" not in self.request.POST:
            steps = announcements.plan(self.object, announcement)
            return self.render_to_response(self.get_context_data(
                form=form, announcement=announcement, steps=steps,
                changes=sum(step.action not in (announcements.SAME, announcements.KEEP) for step in steps)))
        try:
            result = announcements.apply(self.object, announcement, self.request.user)
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, result.summary())
        return hx_redirect(self.request, f"{self.object.get_absolute_url()}?year={announcement.year}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, model_meta=Calendar._meta, **kwargs)


class CalendarViews(RecordViews):
    model = Calendar
    table = CalendarTable
    filterset = CalendarFilterSet
    form = CalendarForm
    detail_fields = ("name", "description", "time_zone", "always_open", "closed_on_holidays",
                     "adjusted_workday_hours_from", "holiday_source")
    detail_view = CalendarDetailView

    @classmethod
    def urls(cls):
        return [*super().urls(), path("calendar/<int:pk>/announcement/", CalendarAnnouncementView.as_view(),
                                      name="calendar_announcement")]


class CalendarDayViews(RecordViews):
    model = CalendarDay
    table = CalendarDayTable
    filterset = CalendarDayFilterSet
    form = CalendarDayForm
    select_related = ("calendar",)
    detail_fields = ("calendar", "date", "kind", "name", "hours", "source")
    delete_view = CalendarDayDeleteView
    edit_view = CalendarDayEditView
