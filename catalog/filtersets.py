import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet, SearchFilterSet

from .choices import DayKind, DaySource, HolidaySource, ServiceStatus
from .models import Calendar, CalendarDay, Service, ServiceFamily, ServiceTier


class ServiceFamilyFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")

    class Meta:
        model = ServiceFamily
        fields = ["q"]


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "description")
    status = django_filters.MultipleChoiceFilter(choices=ServiceStatus.choices, label=_("status"))

    class Meta:
        model = Service
        fields = ["q", "family", "status", "owner"]


class ServiceTierFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "name", "service__name")

    class Meta:
        model = ServiceTier
        fields = ["q", "service", "status", "service_window", "owner_department", "created_after", "created_before"]


class CalendarFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "time_zone")
    holiday_source = django_filters.ChoiceFilter(choices=HolidaySource.choices, label=_("public holidays"))

    class Meta:
        model = Calendar
        fields = ["q", "always_open", "holiday_source"]


class CalendarDayFilterSet(SearchFilterSet):
    search_fields = ("name",)
    # A calendar year the database can hold: year 0 or 2026.5 is a 400, not a failed query.
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("year"), min_value=1,
                                       max_value=9999, step_size=1)
    kind = django_filters.ChoiceFilter(choices=DayKind.choices, label=_("kind"))
    source = django_filters.ChoiceFilter(choices=DaySource.choices, label=_("source"))

    class Meta:
        model = CalendarDay
        fields = ["q", "calendar", "year", "kind", "source"]
