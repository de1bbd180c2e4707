"""Work-queue sources of the closure stage (core.worklist)."""


from django.utils.translation import gettext as _t

from core.permissions import allowed
from core.worklist import Item, Kind, register

# ---- project closure ----
from projects.choices import ProjectStatus
from projects.models import Project

from .choices import ClosureStatus
from .models import ProjectClosure


@register
def closures_to_request(user, today):
    """The PM of an open project whose end date has passed: request its closure (nothing started yet)."""
    if not allowed(user, ProjectClosure, "add"):
        return
    projects = Project.objects.filter(manager=user, status=ProjectStatus.OPEN, end_date__lt=today) \
        .exclude(pk__in=ProjectClosure.objects.values("project")).order_by("end_date")
    from .services.closure import start_url

    for project in projects[:50]:
        yield Item(f"closure:project={project.pk}", Kind.WRITE,
                   _t("Request the closure of %(project)s (ended %(end)s)")
                   % {"project": project, "end": f"{project.end_date:%Y-%m-%d}"}, start_url(project), record=project)


@register
def closures_to_decide(user, today):
    """The Service Department manager: closures requested, with how many checklist items are still open. The key is
    core's "waiting for my approval" item's, so this one replaces it with the count."""
    if not allowed(user, ProjectClosure, "close"):
        return
    from .services.closure import open_items

    for closure in ProjectClosure.objects.filter(status=ClosureStatus.IN_REVIEW).exclude(author=user) \
            .select_related("project")[:50]:
        if not allowed(user, closure, "close"):
            continue
        count = len(open_items(closure.project))
        what = f"{closure.number} v{closure.version} · {closure.project}"
        if count:
            title = _t("Closure requested: %(what)s (%(count)s checklist items open: settle, waive or hand them "
                       "over, or return the request)") % {"what": what, "count": count}
        else:
            title = _t("Close the project: %(what)s (every checklist item settled)") % {"what": what}
        yield Item(f"approve:project_closure:{closure.pk}:v{closure.version}:{closure.status}", Kind.APPROVE, title,
                   closure.get_absolute_url() + "#checklist", record=closure)


# ---- summary report ----
# The PM writes the summary report once the project's end is near or past, or every task is settled; a draft or
# returned report is core's "finish this record" item, and the Service Department manager's approval is core's
# "waiting for my decision" item (the workflow's `decides` transitions).
from django.urls import reverse
from django.utils.translation import gettext as _t

from core.permissions import allowed
from core.worklist import Item, Kind, register
from projects.choices import ProjectStatus
from projects.models import Project

from .models import SummaryReport


@register
def summary_reports_owed(user, today):
    """Open projects the user manages whose summary report is due and not yet started."""
    if not allowed(user, SummaryReport, "add"):
        return
    projects = Project.objects.filter(manager=user, status=ProjectStatus.OPEN).select_related("contract")
    started = set(SummaryReport.objects.filter(project__in=projects).values_list("project_id", flat=True))
    from .services.summary import is_due

    for project in projects:
        if project.pk in started or not is_due(project, today):
            continue
        yield Item(f"summary_report:project={project.pk}", Kind.WRITE,
                   _t("Write the project summary report: %(project)s") % {"project": project},
                   f"{reverse('closure:summaryreport_add')}?project={project.pk}", due=project.end_date,
                   record=project)


# ---- internal review and acceptance certificate ----
from core.roles import Role  # noqa: E402
from core.worklist import does_daily  # noqa: E402

from .models.acceptance import AcceptanceCertificate, CertificateStatus  # noqa: E402
from .models.review import CriterionVerdict, ReviewCriterion, ReviewStatus  # noqa: E402


@register
def verdicts_owed(user, today):
    """Criteria of reviews under review that the user's department judges and that have no verdict this round."""
    if not user.department_id or not does_daily(user, CriterionVerdict, "add"):
        return
    criteria = ReviewCriterion.objects.filter(department_id=user.department_id,
                                              review__status=ReviewStatus.IN_REVIEW) \
        .exclude(review__project__manager=user).exclude(review__author=user).select_related("review__project")
    seen = set()
    for criterion in criteria[:200]:
        review = criterion.review
        if review.pk in seen or criterion.verdicts.filter(review_round=review.review_round).exists():
            continue
        seen.add(review.pk)
        yield Item(f"internal_review_verdict:{review.pk}:r{review.review_round}:d{user.department_id}", Kind.APPROVE,
                   _t("Give your department's verdicts in the internal review of %(project)s")
                   % {"project": review.project.name}, review.get_absolute_url(), record=review)


@register
def acceptance_steps(user, today):
    """The PM requests acceptance of an approved certificate; a customer contact decides on a requested one."""
    if Role.CUSTOMER in user.own_roles:
        for cert in AcceptanceCertificate.objects.restrict(user, "view") \
                .filter(status=CertificateStatus.REQUESTED).select_related("project")[:50]:
            yield Item(f"acceptance_decision:{cert.pk}", Kind.APPROVE,
                       _t("Accept or reject the project %(project)s") % {"project": cert.project.name},
                       reverse("closure:acceptancecertificate_respond", args=[cert.pk]), record=cert)
        return
    if not does_daily(user, AcceptanceCertificate, "request"):
        return
    for cert in AcceptanceCertificate.objects.restrict(user, "view").filter(status=CertificateStatus.APPROVED) \
            .select_related("project")[:50]:
        if cert.project.manager_id not in (None, user.pk):
            continue
        yield Item(f"acceptance_request:{cert.pk}", Kind.WRITE,
                   _t("Request the customer's acceptance of %(project)s") % {"project": cert.project.name},
                   reverse("closure:acceptancecertificate_request", args=[cert.pk]), record=cert)
