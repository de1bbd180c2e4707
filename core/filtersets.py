import django_filters
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.utils import label_for_filter

from .choices import RecordStatus
from .models import AuditEntry, NumberingScheme, RecordIndex
from .registry import registry

_lazy_label = lazy(label_for_filter, str)


class FilterSet(django_filters.FilterSet):
    """django-filter words a label from the model field when it is first read and keeps that string: read once in
    English (the API schema), it stayed English on every Chinese page. Here the label stays lazy, read in the
    reader's language each time."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for filter_ in filters.values():
            if filter_._label is None and cls._meta.model is not None:
                filter_._label = _lazy_label(cls._meta.model, filter_.field_name, filter_.lookup_expr,
                                             filter_.exclude)
        return filters


class SearchFilterSet(FilterSet):
    """Adds a free-text `q` over `search_fields`."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields = ()

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        return form

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class WorkflowStateFilter(django_filters.MultipleChoiceFilter):
    """Any state of the record type's own workflow (read when the filter is used: types bind at start-up)."""

    @property
    def field(self):
        self.extra["choices"] = self.model.record_type().workflow.states.choices
        return super().field


class ControlledRecordFilterSet(SearchFilterSet):
    search_fields = ("number", "title")
    status = WorkflowStateFilter(label=_("status"))
    created_after = django_filters.DateFilter(field_name="created", lookup_expr="date__gte", label=_("created from"))
    created_before = django_filters.DateFilter(field_name="created", lookup_expr="date__lte", label=_("created to"))


def record_type_choices():
    return [(t.code, t.label) for t in registry]


def state_choices():
    """Every state of every bound workflow, generic states first."""
    choices = dict(RecordStatus.choices)
    for record_type in registry:
        if record_type.workflow is not None:
            for value, label in record_type.workflow.states.choices:
                choices.setdefault(value, label)
    return list(choices.items())


class RecordIndexFilterSet(SearchFilterSet):
    search_fields = ("number", "title", "project_label", "contract_label")
    record_type = django_filters.MultipleChoiceFilter(choices=record_type_choices, label=_("record type"))
    status = django_filters.MultipleChoiceFilter(choices=state_choices, label=_("status"))
    created_after = django_filters.DateFilter(field_name="created", lookup_expr="date__gte", label=_("created from"))
    created_before = django_filters.DateFilter(field_name="created", lookup_expr="date__lte", label=_("created to"))
    project = django_filters.CharFilter(field_name="project_label", lookup_expr="icontains", label=_("project"))
    all_versions = django_filters.BooleanFilter(method="versions", label=_("all versions"))

    class Meta:
        model = RecordIndex
        fields = ["q", "record_type", "status", "department", "customer", "project", "created_after",
                  "created_before", "all_versions"]

    @property
    def qs(self):
        """Latest versions only, unless all versions are asked for."""
        qs = super().qs
        if str((self.data or {}).get("all_versions", "")).lower() not in {"true", "on", "1", "yes"}:
            qs = qs.filter(is_latest=True)
        return qs

    def versions(self, queryset, name, value):
        return queryset


class AuditEntryFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "username", "comment", "request_id")
    action = django_filters.MultipleChoiceFilter(choices=AuditEntry._meta.get_field("action").choices,
                                                 label=_("action"))
    at_after = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("from"))
    at_before = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("to"))

    class Meta:
        model = AuditEntry
        fields = ["q", "action", "user", "at_after", "at_before"]


class NumberingSchemeFilterSet(SearchFilterSet):
    search_fields = ("record_type", "prefix")

    class Meta:
        model = NumberingScheme
        fields = ["q"]
