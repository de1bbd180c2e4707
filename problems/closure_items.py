"""Problem management's items of the closure checklist (closure.checklist, SP-4.5.2): open problems of the
project's contract keep it open until closed, or handed over / waived by the Service Department manager."""

from django.utils.translation import gettext as _t

from closure import checklist

from .choices import OPEN_STATES, ProblemStatus
from .models import Problem


@checklist.register
def problem_items(project):
    """Each problem of the project's contract: open (not closed) is an item the Service Department manager may hand
    over or waive; a closed one is listed as done."""
    contract = getattr(project, "contract", None)
    if contract is None:
        return
    group = _t("Problems")
    problems = Problem.objects.filter(contract__number=contract.number) \
        .exclude(status=ProblemStatus.SUPERSEDED).order_by("number", "-version")
    seen = set()
    for problem in problems:
        if problem.number in seen:
            continue
        seen.add(problem.number)
        what = f"{problem.number} {problem.title}"
        if problem.status in OPEN_STATES:
            label = _t("Problem %(problem)s is %(state)s.") % {"problem": what,
                                                               "state": problem.get_status_display()}
            yield checklist.Item(f"problem:{problem.number}", label, problem.get_absolute_url(), group=group)
        else:
            yield checklist.Item(f"problem:{problem.number}", _t("Problem %(problem)s is closed.") % {"problem": what},
                                 problem.get_absolute_url(), done=True, group=group)


checklist.checks_record_type("problem")
