"""Work-queue sources of the supplier register (core.worklist): for Commerce, every certificate, evaluation,
qualified supplier list or list entry lapsing within the warning window (or lapsed), dated by the day it lapses; for
each evaluator, the evaluations waiting for their scores; for an evaluation's author, a fully scored evaluation to
submit. Approvals are core's own items."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _t

from core.worklist import Item, Kind, does_daily, register

from . import services
from .choices import EvaluationStatus
from .models import Supplier, SupplierEvaluation


@register
def lapsing(user, today):
    """Commerce: what lapses soon (before it lapses, so the supplier can be evaluated or the list re-approved)."""
    if not does_daily(user, Supplier, "change"):
        return
    for flag in services.flags(today):
        title = (_t("Lapsed: %(what)s") if flag.lapsed(today) else _t("Lapses soon: %(what)s")) % {"what": flag.text}
        yield Item(f"suppliers:{flag.key}", Kind.DUE, title, flag.url, due=flag.due)


@register
def scores_to_give(user, today):
    """An evaluator: the evaluations being scored where they have not scored every criterion yet."""
    rows = SupplierEvaluation.objects.filter(status=EvaluationStatus.SCORING, evaluators=user) \
        .annotate(n_criteria=Count("criteria", distinct=True),
                  n_given=Count("scores", filter=Q(scores__evaluator=user), distinct=True)) \
        .select_related("supplier").order_by("created")
    for evaluation in rows[:50]:
        if evaluation.n_given >= evaluation.n_criteria:
            continue
        yield Item(f"suppliers:score:{evaluation.pk}:v{evaluation.version}:{evaluation.review_round}", Kind.WRITE,
                   _t("Score supplier %(supplier)s: %(number)s") % {"supplier": evaluation.supplier,
                                                                    "number": evaluation.number},
                   evaluation.get_absolute_url() + "#my-scores", record=evaluation)


@register
def evaluations_to_submit(user, today):
    """The author: an evaluation every evaluator has scored, to submit for review."""
    rows = SupplierEvaluation.objects.filter(status=EvaluationStatus.SCORING, author=user,
                                             pk__in=services.complete_evaluation_ids()).select_related("supplier")
    for evaluation in rows.order_by("created")[:50]:
        yield Item(f"suppliers:submit:{evaluation.pk}:v{evaluation.version}", Kind.WRITE,
                   _t("Every evaluator has scored: submit %(number)s (%(supplier)s) for review")
                   % {"number": evaluation.number, "supplier": evaluation.supplier},
                   evaluation.get_absolute_url(), record=evaluation)
