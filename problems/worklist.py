"""Work-queue sources of problem management (core.worklist): problems waiting for the Service Department's
analysis, and the solution tasks each owner has due or overdue. Submissions and approvals are core's own items."""

from datetime import timedelta

from django.utils.translation import gettext as _t

from core.permissions import allowed
from core.worklist import Item, Kind, register

from .choices import ProblemStatus
from .models import Problem, SolutionTask

TASK_STATES = (ProblemStatus.APPROVED, ProblemStatus.IMPLEMENTING)


@register
def problems_to_analyse(user, today):
    """The Service Department: problems identified or under analysis (the analysis to complete and submit)."""
    if not allowed(user, Problem, "submit"):
        return
    waiting = Problem.objects.restrict(user, "view").filter(
        status__in=(ProblemStatus.DRAFT, ProblemStatus.ANALYSIS)).order_by("created")
    for problem in waiting[:50]:
        if not allowed(user, problem, "submit"):
            continue
        yield Item(f"problem:analyse:{problem.pk}:v{problem.version}", Kind.WRITE,
                   _t("Analyse problem %(number)s: %(title)s") % {"number": problem.number, "title": problem.title},
                   problem.get_absolute_url(), record=problem)


@register
def solution_tasks_due(user, today):
    """A task owner: the solution tasks not done yet, dated (due soon, or overdue) or not."""
    tasks = SolutionTask.objects.filter(owner=user, done_on__isnull=True, problem__status__in=TASK_STATES) \
        .select_related("problem").order_by("due_on", "pk")
    for task in tasks[:50]:
        yield Item(f"problem:task:{task.pk}", Kind.DUE if task.due_on and task.due_on <= today + timedelta(days=14)
                   else Kind.WRITE,
                   _t("Solution task of %(number)s: %(task)s") % {"number": task.problem.number,
                                                                  "task": task.description},
                   task.problem.get_absolute_url() + "#tasks", due=task.due_on, record=task.problem)
