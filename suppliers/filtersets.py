"""Filters of the supplier pages and API (one FilterSet each for the list page and the API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet, SearchFilterSet

from . import terms
from .models import (
    Certificate,
    EvaluationCriterion,
    Performance,
    QualifiedEntry,
    QualifiedList,
    Score,
    Supplier,
    SupplierContact,
    SupplierEvaluation,
)


class SupplierFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "name_en", "credit_code")
    active = django_filters.BooleanFilter()

    class Meta:
        model = Supplier
        fields = ["q", "category", "active"]


class SupplierContactFilterSet(SearchFilterSet):
    search_fields = ("name", "job_title", "phone", "email")

    class Meta:
        model = SupplierContact
        fields = ["q", "supplier", "primary"]


class CertificateFilterSet(SearchFilterSet):
    search_fields = ("name", "reference", "issuer")
    expiring = django_filters.BooleanFilter(method="only_expiring", label=_("lapsing soon or lapsed"))

    class Meta:
        model = Certificate
        fields = ["q", "supplier", "expiring"]

    def only_expiring(self, queryset, name, value):
        soon = {"valid_until__lte": terms.warning_horizon()}
        return queryset.filter(**soon) if value else queryset.exclude(**soon)


class PerformanceFilterSet(SearchFilterSet):
    search_fields = ("source_label", "note")
    delivered_after = django_filters.DateFilter(field_name="delivered_on", lookup_expr="gte",
                                                label=_("delivered from"))
    delivered_before = django_filters.DateFilter(field_name="delivered_on", lookup_expr="lte",
                                                 label=_("delivered to"))

    class Meta:
        model = Performance
        fields = ["q", "supplier", "on_time", "delivered_after", "delivered_before"]


class SupplierEvaluationFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "supplier__name", "supplier__code")

    class Meta:
        model = SupplierEvaluation
        fields = ["q", "status", "supplier", "qualified"]


class EvaluationCriterionFilterSet(SearchFilterSet):
    class Meta:
        model = EvaluationCriterion
        fields = ["evaluation", "criterion"]


class ScoreFilterSet(SearchFilterSet):
    class Meta:
        model = Score
        fields = ["evaluation", "criterion", "evaluator"]


class QualifiedListFilterSet(ControlledRecordFilterSet):
    class Meta:
        model = QualifiedList
        fields = ["q", "status"]


class QualifiedEntryFilterSet(SearchFilterSet):
    search_fields = ("scope", "supplier__name")

    class Meta:
        model = QualifiedEntry
        fields = ["q", "qualified_list", "supplier"]
