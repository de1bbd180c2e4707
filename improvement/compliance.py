"""Process-compliance rule of the continual improvement register (SP-4.5.6): an improvement is implemented by its due
date. Overdue as the register's own filter and work queue say (`Improvement.overdue`): open or in progress, past
its due date; read in one query."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.compliance import Severity, Violation, rule
from core.display import message

from .choices import ImprovementStatus
from .models import Improvement

# Not implemented yet: what the register counts as overdue once past the due date.
NOT_IMPLEMENTED = (ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS)


@rule("IMP-1", clause="10.2", severity=Severity.MINOR, sp="SP-4.5.6",
      title=_("Improvement overdue"),
      explanation=_("An improvement is implemented by its due date, then its effectiveness is checked and it is "
                    "closed (procedure 4.5.6). Found: an improvement open or in progress past its due date."))
def improvement_overdue(scope):
    overdue = scope.narrow(Improvement.objects.filter(
        status__in=NOT_IMPLEMENTED, successor__isnull=True, due_date__lt=scope.today)) \
        .select_related("owner").order_by("due_date", "pk")
    for improvement in overdue:
        yield Violation(improvement, message(
            gettext_noop("Due on %(due)s and not implemented yet; owner %(owner)s."),
            due=improvement.due_date, owner=improvement.owner),
            occurred=improvement.due_date)
