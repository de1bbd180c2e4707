import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ControlledRecordTable

from .models import Calendar, CalendarDay, Service, ServiceFamily, ServiceTier

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ServiceFamilyTable(tables.Table):
    code = tables.Column(linkify=True, attrs={"td": {"translate": "no"}})  # an identifier, not a word
    name = tables.Column(linkify=True)

    class Meta:
        model = ServiceFamily
        attrs = ATTRS
        fields = ("code", "name", "description", "updated")


class ServiceTable(tables.Table):
    code = tables.Column(linkify=True, attrs={"td": {"translate": "no"}})  # an identifier, not a word
    name = tables.Column(linkify=True)
    status = tables.Column(accessor="get_status_display", order_by="status", verbose_name=_("Status"))

    class Meta:
        model = Service
        attrs = ATTRS
        fields = ("code", "name", "family", "owner", "status", "updated")


class ServiceTierTable(ControlledRecordTable):
    service = tables.Column(verbose_name=_("service"), linkify=True)
    name = tables.Column(verbose_name=_("tier"))
    service_window = tables.Column(verbose_name=_("service window"), linkify=True)
    availability_target = tables.Column(verbose_name=_("availability target (%)"))

    class Meta(ControlledRecordTable.Meta):
        model = ServiceTier
        fields = ("number", "version", "service", "name", "status", "service_window", "availability_target",
                  "owner_department", "updated")
        exclude = ("title", "author")


class CalendarTable(tables.Table):
    name = tables.Column(linkify=True)
    holiday_source = tables.Column(accessor="get_holiday_source_display", order_by="holiday_source",
                                   verbose_name=_("Public holidays"))
    holiday_years = tables.Column(verbose_name=_("Years with holiday data"), orderable=False)

    class Meta:
        model = Calendar
        attrs = ATTRS
        fields = ("name", "time_zone", "always_open", "closed_on_holidays", "holiday_source", "holiday_years",
                  "updated")

    def render_holiday_years(self, value):
        return ", ".join(map(str, value)) if value else "—"


class CalendarDayTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", linkify=True)
    weekday = tables.DateColumn(accessor="date", format="l", verbose_name=_("Weekday"), orderable=False)
    kind = tables.Column(accessor="get_kind_display", order_by="kind", verbose_name=_("Kind"))
    source = tables.Column(accessor="get_source_display", order_by="source", verbose_name=_("Source"))

    class Meta:
        model = CalendarDay
        attrs = ATTRS
        fields = ("calendar", "date", "weekday", "kind", "name", "hours", "source")
