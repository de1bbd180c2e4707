"""The project summary report 项目总结报告 (SP-4.5.2): generation from the data (a frozen snapshot), the checklist
item it settles, and what the work queue and the project page offer."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records
from core.choices import RecordStatus
from core.permissions import allowed
from projects.choices import TaskState
from projects.models import TaskProgress

from ..models import SummaryReport
from ..summary_figures import build_summary_snapshot

GENERATED = gettext_noop("Figures generated from the project's records and the service data.")
# The PM is asked for the summary report this long before the project's end date.
DUE_BEFORE_END = timedelta(days=30)


def summary_for(project):
    """The project's summary report (latest version), or None."""
    return SummaryReport.objects.filter(project=project).order_by("-version").first()


def needs_reason(report):
    """Regenerating an approved report makes its next version, which needs a stated reason."""
    return report.status in type(report).record_type().workflow.frozen_states


def may_generate(report, user):
    return allowed(user, report, "change") and report.is_latest and report.status != RecordStatus.IN_REVIEW


def generate(report, user, reason=""):
    """Compute the figures and freeze them in the report. An approved report is never altered: its next version is
    generated, only on purpose, with the reason as that version's change note. A report in review is not
    regenerated (withdraw or return it first)."""
    workflow = type(report).record_type().workflow
    if not report.is_latest:
        raise ValidationError(_t("Only the latest version of a report is regenerated."))
    with transaction.atomic():
        if needs_reason(report):
            if not (reason or "").strip():
                raise ValidationError({"reason": _t("Say why version %(v)s is regenerated: it is approved, so the "
                                                    "figures go into a new version %(next)s.")
                                       % {"v": report.version, "next": report.version + 1}})
            report = records.new_version(report, user, comment=reason.strip())
            report.change_note = reason.strip()
        elif report.status not in workflow.editable_states:
            raise ValidationError(_t("A report in review cannot be regenerated; withdraw or return it first."))
        before = audit.snapshot(type(report).objects.get(pk=report.pk))
        # Registered sections are frozen as text: in the company's language, as the monthly report's generation.
        with translation.override(settings.LANGUAGE_CODE):
            report.snapshot = build_summary_snapshot(report.project)
        report.generated_at = timezone.now()
        records.update(report, user, before, comment=display.message(GENERATED))
    report.refresh_from_db()
    return report


def create_and_generate(project, user, **fields):
    """A new summary report of the project, drafted from the data (the work queue's "write" step)."""
    with transaction.atomic():
        report = records.create(SummaryReport(project=project, owner_department=user.department,
                                              title=fields.pop("title", "") or default_title(project), **fields),
                                user)
        return generate(report, user)


def default_title(project):
    return _t("%(project)s project summary report") % {"project": project.name}


# ---- when it is due, and the closure checklist --------------------------------------------------

def all_tasks_settled(project):
    baseline = project.baseline()
    if baseline is None:
        return False
    keys = {t.key for t in baseline.tasks.all() if not t.children.exists()}
    settled = set(TaskProgress.objects.filter(project=project, task_key__in=keys,
                                              state__in=[TaskState.DONE, TaskState.CANCELLED])
                  .values_list("task_key", flat=True))
    return bool(keys) and keys <= settled


def is_due(project, today):
    """The summary is written once the project's end is near (30 days) or past, or every task is settled."""
    return project.end_date - DUE_BEFORE_END <= today or all_tasks_settled(project)


def is_approved(project):
    return SummaryReport.objects.filter(project=project, status=RecordStatus.APPROVED).exists()


def page_for(project):
    """The page that settles the summary: the report, else the form that drafts it for this project."""
    report = summary_for(project)
    if report is not None:
        return report.get_absolute_url()
    return f"{reverse('closure:summaryreport_add')}?project={project.pk}"


def checklist_items(project):
    """The closure checklist's item "summary report approved" (never waived: it is the procedure's own output)."""
    from ..checklist import Item

    report = summary_for(project)
    done = is_approved(project)
    if done:
        label = _t("Summary report %(n)s approved") % {"n": report.number}
    elif report is None:
        label = _t("Write the project summary report and have it approved")
    else:
        label = _t("Summary report %(n)s is %(status)s: have it approved") % {
            "n": report.number, "status": report.get_status_display()}
    yield Item(key="summary_report", label=label, url=page_for(project), done=done,
               group=_t("Closure steps"), may_dispose=False)
