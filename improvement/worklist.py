"""Work-queue sources of the improvement register (core.worklist): an owner's improvements falling due or overdue,
and their effectiveness checks once the months after implementation have passed. The Service Department manager's
checks to approve are core's own approval items (the `close` transition decides)."""

from datetime import timedelta

from django.utils.translation import gettext as _t

from core.worklist import SOON, Item, Kind, register

from . import measures
from .choices import ImprovementStatus
from .models import Improvement


@register
def improvements_due(user, today):
    """The owner's improvements not yet implemented, due in the next two weeks or overdue."""
    rows = Improvement.objects.filter(owner=user, successor__isnull=True, due_date__lte=today + SOON,
                                      status__in=(ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS)) \
        .order_by("due_date")
    for improvement in rows[:100]:
        what = f"{improvement.number} v{improvement.version} · {improvement.title}"
        title = (_t("Improvement overdue: %(what)s") if improvement.due_date < today
                 else _t("Improvement due: %(what)s")) % {"what": what}
        yield Item(f"improvement:due:{improvement.pk}", Kind.DUE, title, improvement.get_absolute_url(),
                   due=improvement.due_date, record=improvement)


@register
def checks_to_record(user, today):
    """The owner's implemented improvements whose months to check have passed: record the effectiveness check."""
    rows = Improvement.objects.filter(owner=user, successor__isnull=True, status=ImprovementStatus.IMPLEMENTED,
                                      checked_at__isnull=True, implemented_on__isnull=False)
    for improvement in rows.order_by("implemented_on")[:100]:
        months = measures.full_months_after(improvement.implemented_on, today, improvement.check_months)
        if len(months) < improvement.check_months:
            continue
        last = months[-1]
        first_day_after = measures.from_index(measures.month_index(*last) + 1)
        due = today.replace(year=first_day_after[0], month=first_day_after[1], day=1) + timedelta(days=14)
        yield Item(f"improvement:check:{improvement.pk}", Kind.WRITE,
                   _t("Record the effectiveness check: %(what)s")
                   % {"what": f"{improvement.number} v{improvement.version} · {improvement.title}"},
                   improvement.check_url(), due=due, record=improvement)
