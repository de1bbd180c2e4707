"""Work-queue sources of the management review (core.worklist): the Management Representative prepares the review
when one is due and follows the open decisions; the General Manager records the decisions of a review under review
(its approval item is core's) and sees the decisions overdue; each owner sees their decisions due."""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _t

from core.choices import RecordStatus
from core.roles import Role
from core.worklist import SOON, Item, Kind, does_daily, register

from . import review as reviews
from .models import ManagementReview

# The review is announced to the Management Representative this long before its period ends.
PREPARE_AHEAD = timedelta(days=30)


def _decision_text(decision):
    return f"{decision.decision[:60]} ({decision.review.number})"


@register
def review_to_prepare(user, today):
    if not does_daily(user, ManagementReview, "add"):
        return
    start, end, due = reviews.next_review(today)
    if today < end - PREPARE_AHEAD:
        return
    url = f"{reverse('strategy:managementreview_add')}?" + urlencode(
        {"period_start": f"{start:%Y-%m-%d}", "period_end": f"{end:%Y-%m-%d}"})
    yield Item(f"management_review:prepare:{start:%Y-%m}:{end:%Y-%m}", Kind.WRITE,
               _t("Prepare the management review for %(start)s – %(end)s")
               % {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}, url, due=due)


@register
def decisions_to_record(user, today):
    """The General Manager's reviews under review without decisions yet."""
    if Role.GENERAL_MANAGER not in user.own_roles:
        return
    for review in ManagementReview.objects.filter(status=RecordStatus.IN_REVIEW, decisions__isnull=True) \
            .order_by("period_end")[:20]:
        yield Item(f"management_review:decide:{review.pk}:r{review.review_round}", Kind.WRITE,
                   _t("Record the decisions of %(review)s") % {"review": f"{review.number} · {review.title}"},
                   reverse("strategy:managementreview_decisions", args=[review.pk]), record=review)


@register
def decisions_due(user, today):
    """The owner's open decisions (tracked actions) due in the next two weeks or overdue."""
    rows = reviews.open_decisions().filter(owner=user, due_date__lte=today + SOON).select_related("review") \
        .order_by("due_date")
    for decision in rows[:50]:
        title = (_t("Management review decision overdue: %(what)s") if decision.due_date < today
                 else _t("Management review decision due: %(what)s")) % {"what": _decision_text(decision)}
        yield Item(f"management_review:decision:{decision.pk}", Kind.DUE, title, decision.get_absolute_url(),
                   due=decision.due_date, record=decision)


@register
def decisions_overdue(user, today):
    """The Management Representative follows the open decisions up, the General Manager sees the overdue ones."""
    if not user.own_roles & {Role.MANAGEMENT_REP, Role.GENERAL_MANAGER}:
        return
    rows = reviews.open_decisions().filter(due_date__lt=today).exclude(owner=user) \
        .select_related("review", "owner").order_by("due_date")
    for decision in rows[:50]:
        yield Item(f"management_review:follow:{decision.pk}", Kind.DUE,
                   _t("Follow up the overdue decision of %(owner)s: %(what)s")
                   % {"owner": decision.owner, "what": _decision_text(decision)},
                   decision.get_absolute_url(), due=decision.due_date, record=decision)


