"""Next-step buttons the closure stage puts on earlier stages' pages (core.extensions.register_action)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _t

from core.extensions import Action, register_action
from core.permissions import allowed

# ---- project closure ----
from projects.choices import ProjectStatus

from .models import ProjectClosure

# The closure is offered from this long before the project's end date.
CLOSURE_LEAD = timedelta(days=30)


def close_project(project, user):
    """On an open project near or past its end: "Close project…" opens its closure record (or starts it)."""
    from .services.closure import closure_of, start_url

    if project.status != ProjectStatus.OPEN:
        return
    closure = closure_of(project)
    if closure is not None:
        if allowed(user, closure, "view"):
            yield Action(_t("Close project…"), closure.get_absolute_url(), "door-closed", "close-project")
        return
    if project.end_date - CLOSURE_LEAD <= timezone.localdate() and allowed(user, ProjectClosure, "add") \
            and allowed(user, ProjectClosure(project=project), "add"):
        yield Action(_t("Close project…"), start_url(project), "door-closed", "close-project")


def register():
    register_action("projects.project", close_project)

    summary_register()


# ---- summary report ----
def project_summary(project, user):
    """On a project: write the summary report once it is due (open the report once it exists)."""
    from django.utils import timezone
    from django.utils.translation import gettext as _t

    from core.extensions import Action
    from core.permissions import allowed
    from projects.choices import ProjectStatus

    from .models import SummaryReport
    from .services.summary import is_due, page_for, summary_for

    if project.status != ProjectStatus.OPEN or summary_for(project) is not None:
        return
    if allowed(user, SummaryReport, "add") and allowed(user, project, "change") \
            and is_due(project, timezone.localdate()):
        yield Action(_t("Write the project summary report"), page_for(project), "clipboard-data",
                     "write-summary-report")


def summary_register():
    from core.extensions import register_action

    register_action("projects.project", project_summary)

    pass


# ---- internal review and acceptance certificate ----
def _review_actions(project, user):
    from django.urls import reverse
    from django.utils.translation import gettext as _t

    from core.extensions import Action

    from .services import review

    current = review.review_of(project)
    if current is not None:
        yield Action(_t("Internal review %(number)s") % {"number": current.number}, current.get_absolute_url(),
                     icon="clipboard-check", key="internal-review")
    elif review.may_start_review(project, user) and project.status == "open":
        yield Action(_t("Start the internal review"), reverse("closure:internalreview_start", args=[project.pk]),
                     icon="clipboard-check", key="start-internal-review")


def register_review_actions():
    from core.extensions import register_action

    register_action("projects.project", _review_actions)
