"""Filter sets of problem management (one per model: the list page and the API share it)."""

from core.filtersets import ControlledRecordFilterSet, FilterSet

from .models import Cause, Problem, SolutionTask


class ProblemFilterSet(ControlledRecordFilterSet):
    search_fields = ("number", "title", "category", "configuration_item")

    class Meta:
        model = Problem
        fields = ["q", "status", "contract", "known_error", "owner_department", "created_after", "created_before"]


def row_filterset(model, *fields):
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}FilterSet", (FilterSet,), {"Meta": meta})


CauseFilterSet = row_filterset(Cause, "problem", "category")
SolutionTaskFilterSet = row_filterset(SolutionTask, "problem", "owner")
