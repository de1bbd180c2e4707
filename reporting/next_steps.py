"""The reporting stage's forward actions (core.extensions) and the relations foreign keys do not express
(core.relations): a project's monthly report, the internal report over the approved monthly reports, the
quality meeting that discusses it, the minutes of a meeting held."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _t

from core import relations
from core.extensions import Action, register_action
from core.permissions import allowed

from .choices import ReportStatus, Scope
from .models import InternalServiceReport, MonthlyServiceReport, QualityMeeting
from .services.due import DONE
from .services.monthly import last_month


def _url(name, **query):
    return f"{reverse(name)}?{urlencode(query)}"


def project_report(project, user):
    """On a project whose contract is in force: write last month's report if it is missing."""
    year, month = last_month()
    contract = project.contract
    if project.manager_id and contract.is_signed and allowed(user, MonthlyServiceReport, "add") \
            and allowed(user, project, "change") and not MonthlyServiceReport.objects.filter(
                contract__number=contract.number, year=year, month=month).exists():
        yield Action(_t("Write monthly report %(period)s") % {"period": f"{year}-{month:02d}"},
                     _url("reporting:monthlyservicereport_add", contract=contract.pk, year=year, month=month),
                     "file-earmark-bar-graph", "write-monthly-report")


def _internal_for(year, month):
    return InternalServiceReport.objects.filter(year=year, month=month)


def monthly_report_next(report, user):
    if report.status not in DONE:
        return
    internal = _internal_for(report.year, report.month).order_by("-version").first()
    if internal is None:
        if allowed(user, InternalServiceReport, "add"):
            yield Action(_t("Prepare internal report"),
                         _url("reporting:internalservicereport_add", year=report.year, month=report.month),
                         "journal-plus", "prepare-internal-report")
    elif not QualityMeeting.objects.filter(internal_report__number=internal.number).exists() \
            and allowed(user, QualityMeeting, "add"):
        yield Action(_t("Schedule quality meeting"), _url("reporting:qualitymeeting_add", internal_report=internal.pk),
                     "calendar-event", "schedule-meeting")


def internal_report_next(report, user):
    if not QualityMeeting.objects.filter(internal_report__number=report.number).exists() \
            and allowed(user, QualityMeeting, "add"):
        yield Action(_t("Schedule quality meeting"), _url("reporting:qualitymeeting_add", internal_report=report.pk),
                     "calendar-event", "schedule-meeting")


def monthly_reports_of(internal):
    """The monthly reports an internal report covers: the same month, of its department when it has one."""
    reports = MonthlyServiceReport.objects.filter(year=internal.year, month=internal.month)
    if internal.scope == Scope.DEPARTMENT and internal.department_id:
        reports = reports.filter(owner_department=internal.department_id)
    yield "up", reports.exclude(status=ReportStatus.SUPERSEDED)


def internal_reports_of(report):
    yield "down", InternalServiceReport.objects.filter(year=report.year, month=report.month).filter(
        Q(scope=Scope.COMPANY) | Q(department=report.owner_department_id))


def register():
    register_action("projects.project", project_report)
    register_action("reporting.monthlyservicereport", monthly_report_next)
    register_action("reporting.internalservicereport", internal_report_next)
    relations.register("reporting.internalservicereport", monthly_reports_of)
    relations.register("reporting.monthlyservicereport", internal_reports_of)
