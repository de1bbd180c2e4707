from core.views import ObjectDetailView, RecordViews

from .filtersets import AnnualGoalsFilterSet
from .forms import ALLOCATION_HELP, AnnualGoalsForm
from .models import AnnualGoals
from .services import goals_with_progress
from .tables import AnnualGoalsTable


class AnnualGoalsDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goals"] = goals_with_progress(self.object)
        context["allocation_help"] = ALLOCATION_HELP
        return context


class AnnualGoalsViews(RecordViews):
    model = AnnualGoals
    table = AnnualGoalsTable
    filterset = AnnualGoalsFilterSet
    form = AnnualGoalsForm
    select_related = ("owner_department", "author")
    detail_view = AnnualGoalsDetailView
    detail_fields = ("year", "summary", "owner_department", "change_note")
