"""Improvements decided in a management review (strategy, SP-2.1, issue 14): when the General Manager approves the
review, each decision of kind "improvement to open" becomes an improvement in the register (source: the management
review, linked to the decision; owner, due date and plan from the decision; a company-wide measure, its baseline
taken at once), in the same transaction as the approval. The review's page shows what became of each decision
(strategy.followup). A decision carried into a new version of the review raises no second improvement."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_noop

from core import display
from core.workflow import transition_fired
from strategy import followup
from strategy.choices import DecisionKind
from strategy.models import Decision, ManagementReview

from . import services
from .choices import ImprovementStatus, MeasureKind, SourceKind
from .models import Improvement


def _family(decision) -> int:
    """The first decision a decision carries on (itself, unless copied into a new version of its review)."""
    return decision.origin_id or decision.pk


def raised_from_decision(decision):
    """Improvements (latest versions) raised from the decision or from the decision it carries on."""
    family = _family(decision)
    ids = Decision.objects.filter(Q(pk=family) | Q(origin_id=family)).values("pk")
    return Improvement.objects.filter(source_type=ContentType.objects.get_for_model(Decision), source_id__in=ids,
                                      successor__isnull=True)


def raise_from_decision(decision, user):
    """The decision's improvement, drafted with its baseline (none when one was raised already)."""
    if decision.kind != DecisionKind.IMPROVEMENT or raised_from_decision(decision).exists():
        return None
    review = decision.review
    improvement = Improvement(
        title=decision.decision[:200], owner=decision.owner,
        owner_department=decision.owner.department or user.department, due_date=decision.due_date,
        plan=decision.decision, measure=MeasureKind.RESPONSE, source_kind=SourceKind.MANAGEMENT_REVIEW,
        source_type=ContentType.objects.get_for_model(Decision), source_id=decision.pk,
        source_label=f"{review.number} v{review.version} {review.title}"[:300])
    return services.create(improvement, user, comment=display.message(
        gettext_noop("Decided in management review %(review)s."), review=review.number))


def on_review_approved(sender, record, transition, user, **kwargs):
    """core.workflow.transition_fired receiver: an approved management review opens its improvements."""
    if sender is not ManagementReview or transition != "approve":
        return
    for decision in record.decisions.filter(kind=DecisionKind.IMPROVEMENT).select_related("owner__department",
                                                                                          "review"):
        raise_from_decision(decision, user)


def decision_follow_ups(decisions):
    """strategy.followup provider: {decision id: [FollowUp]} of the improvements raised from the decisions."""
    families = {d.pk: _family(d) for d in decisions}
    if not families:
        return {}
    kind = ContentType.objects.get_for_model(Decision)
    related = Decision.objects.filter(Q(pk__in=set(families.values())) | Q(origin_id__in=set(families.values()))) \
        .values_list("pk", "origin_id")
    family_of = {pk: origin or pk for pk, origin in related}
    by_family = {}
    for improvement in Improvement.objects.filter(source_type=kind, source_id__in=list(family_of),
                                                  successor__isnull=True).order_by("number"):
        by_family.setdefault(family_of[improvement.source_id], []).append(followup.FollowUp(
            f"{improvement.number} v{improvement.version} · {improvement.title}", improvement.get_absolute_url(),
            str(improvement.get_status_display()), improvement.status == ImprovementStatus.CLOSED))
    return {pk: by_family.get(family, []) for pk, family in families.items()}


def register():
    transition_fired.connect(on_review_approved, dispatch_uid="improvement.from_management_review")
    followup.register(decision_follow_ups)
