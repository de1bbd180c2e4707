from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority
from contracts.models import Contract
from core.filtersets import ControlledRecordFilterSet, SearchFilterSet

from .choices import (
    Anomaly,
    ConnectorKind,
    ConnectorState,
    ImportStatus,
    RuleAction,
    SourceTool,
    TicketKind,
    TicketStatus,
)
from .models import (
    Connector,
    ImportJob,
    ImportProfile,
    MaintenanceWindow,
    Outage,
    QualityFinding,
    Ticket,
    TicketEvent,
    WebhookEndpoint,
)
from .search import search_tickets

BREACH_CHOICES = [("any", _("Breached (response or resolution)")), ("response", _("Response breached")),
                  ("resolution", _("Resolution breached")), ("none", _("Within target so far"))]


def local_day_start(day):
    return datetime.combine(day, time(), timezone.get_current_timezone())


class TicketFilterSet(SearchFilterSet):
    search_fields = ("external_id", "summary", "category", "configuration_item")  # servicedata.search.SEARCH_COLUMNS
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, label=_("priority"))
    kind = django_filters.MultipleChoiceFilter(choices=TicketKind.choices, label=_("kind"))
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices, label=_("status"))
    created_after = django_filters.DateFilter(method="created_from", label=_("created from"))
    created_before = django_filters.DateFilter(method="created_to", label=_("created to"))
    breached = django_filters.ChoiceFilter(choices=BREACH_CHOICES, method="breach", label=_("breached"))
    category = django_filters.CharFilter(lookup_expr="icontains", label=_("category"))
    security = django_filters.BooleanFilter(label=_("touches information security"))

    class Meta:
        model = Ticket
        fields = ["q", "contract", "priority", "kind", "status", "category", "created_after", "created_before",
                  "breached", "security"]

    def search(self, queryset, name, value):
        """Every word in one of the search columns, through the search index (servicedata.search)."""
        return search_tickets(queryset, value)

    def created_from(self, queryset, name, value):
        return queryset.filter(created__gte=local_day_start(value))

    def created_to(self, queryset, name, value):
        return queryset.filter(created__lt=local_day_start(value + timedelta(days=1)))

    def breach(self, queryset, name, value):
        now = timezone.now()
        response = {"response_met": False, "response_decided__lte": now}
        resolution = {"resolution_met": False, "resolution_decided__lte": now}
        if value == "response":
            return queryset.filter(**response)
        if value == "resolution":
            return queryset.filter(**resolution)
        if value == "none":
            return queryset.exclude(**response).exclude(**resolution)
        return queryset.breached(now)


class ContractTicketFilterSet(TicketFilterSet):
    """On a contract's own page the contract is fixed."""

    class Meta(TicketFilterSet.Meta):
        fields = [f for f in TicketFilterSet.Meta.fields if f != "contract"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("contract", None)


class IntervalFilterSet(SearchFilterSet):
    search_fields = ("description",)
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))
    start_after = django_filters.DateFilter(method="start_from", label=_("from"))
    start_before = django_filters.DateFilter(method="start_to", label=_("to"))

    def start_from(self, queryset, name, value):
        return queryset.filter(end__gte=local_day_start(value))

    def start_to(self, queryset, name, value):
        return queryset.filter(start__lt=local_day_start(value + timedelta(days=1)))


class OutageFilterSet(IntervalFilterSet):
    class Meta:
        model = Outage
        fields = ["q", "contract", "planned", "start_after", "start_before"]


class MaintenanceWindowFilterSet(IntervalFilterSet):
    class Meta:
        model = MaintenanceWindow
        fields = ["q", "contract", "start_after", "start_before"]


class ImportJobFilterSet(SearchFilterSet):
    search_fields = ("name", "sha256")
    status = django_filters.MultipleChoiceFilter(choices=ImportStatus.choices, label=_("status"))

    class Meta:
        model = ImportJob
        fields = ["q", "contract", "status"]


# ---- import profiles

class ImportProfileFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "contract__title", "based_on")
    tool = django_filters.MultipleChoiceFilter(choices=SourceTool.choices, label=_("service desk"))

    class Meta:
        model = ImportProfile
        fields = ["q", "status", "contract", "tool"]


# ---- data quality

class QualityFindingFilterSet(SearchFilterSet):
    """A quality report's rows by rule and action (and, in the API, by job, contract and rule)."""

    search_fields = ("external_id",)
    anomaly = django_filters.MultipleChoiceFilter(choices=Anomaly.choices, label=_("rule"))
    action = django_filters.MultipleChoiceFilter(choices=RuleAction.choices, label=_("what was done"))
    job = django_filters.ModelChoiceFilter(queryset=ImportJob.objects.all(), label=_("import job"))
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))

    class Meta:
        model = QualityFinding
        fields = ["q", "job", "contract", "anomaly", "action"]


class JobFindingFilterSet(QualityFindingFilterSet):
    """On an import's quality report the job is fixed."""

    class Meta(QualityFindingFilterSet.Meta):
        fields = ["q", "anomaly", "action"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("job", None)
        self.filters.pop("contract", None)


# ---- connectors


class ConnectorFilterSet(SearchFilterSet):
    search_fields = ("name", "base_url")
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))
    kind = django_filters.MultipleChoiceFilter(choices=ConnectorKind.choices, label=_("service desk"))
    state = django_filters.MultipleChoiceFilter(choices=ConnectorState.choices, label=_("state"))

    class Meta:
        model = Connector
        fields = ["q", "contract", "kind", "state", "enabled"]



# ---- webhook endpoints
class WebhookEndpointFilterSet(SearchFilterSet):
    search_fields = ("name", "external_system")
    contract = django_filters.ModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))

    class Meta:
        model = WebhookEndpoint
        fields = ["q", "contract", "enabled"]


def visible_endpoints(request):
    """The endpoints of the contracts the reader may see (the events' readers need not see the endpoints)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(contract__in=Contract.objects.restrict(user, "view"))


class TicketEventFilterSet(SearchFilterSet):
    search_fields = ("external_id",)
    endpoint = django_filters.ModelChoiceFilter(queryset=lambda request: visible_endpoints(request),
                                                label=_("endpoint"))
    occurred_after = django_filters.DateFilter(method="occurred_from", label=_("occurred from"))
    occurred_before = django_filters.DateFilter(method="occurred_to", label=_("occurred to"))

    class Meta:
        model = TicketEvent
        fields = ["q", "endpoint", "external_id", "occurred_after", "occurred_before"]

    def occurred_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=local_day_start(value))

    def occurred_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=local_day_start(value + timedelta(days=1)))
