"""Filter sets of procurement (one per model: the list page and the API share it)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import ControlledRecordFilterSet, FilterSet

from .models import Bid, BidScore, ProcurementItem, ProcurementPlan, Purchase, Tender, TenderCriterion, TenderEvaluator


class ProcurementPlanFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "purpose")

    class Meta:
        model = ProcurementPlan
        fields = ["q", "status", "contract", "project", "owner_department", "created_after", "created_before"]


class TenderFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "requirements")

    class Meta:
        model = Tender
        fields = ["q", "status", "plan", "method", "owner_department", "created_after", "created_before"]


def row_filterset(model, *fields):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (FilterSet,), {"Meta": meta})


ProcurementItemFilterSet = row_filterset(ProcurementItem, "plan", "category")


class PurchaseFilterSet(FilterSet):
    plan = django_filters.NumberFilter(field_name="item__plan", label=_("procurement plan"))

    class Meta:
        model = Purchase
        fields = ["plan", "supplier", "exception_status"]


TenderCriterionFilterSet = row_filterset(TenderCriterion, "tender")
TenderEvaluatorFilterSet = row_filterset(TenderEvaluator, "tender", "user")
BidFilterSet = row_filterset(Bid, "tender", "supplier")
BidScoreFilterSet = row_filterset(BidScore, "tender", "bid", "criterion", "evaluator")
