"""The reporting panel of the home dashboard (registered through core.dashboard.register_panel)."""

from django.utils import timezone

from core.dashboard import register_panel
from core.permissions import allowed
from projects.choices import ReportPeriod

from .choices import ReportStatus, Scope
from .models import ActionItem, MeetingMinutes, MonthlyServiceReport, QualityMeeting, ReportProfile, profile_for

DEFAULT_DUE_DAY = 10
DONE = (ReportStatus.APPROVED, ReportStatus.ISSUED)


def late_reports(today=None):
    """(contract, report or None, due date) for last month's reports missing or unapproved after the due day."""
    from datetime import date

    from .services.internal import contracts_in_scope
    from .services.monthly import last_month, report_for

    today = today or timezone.localdate()
    year, month = last_month(today)
    late = []
    for contract in contracts_in_scope(Scope.COMPANY, None, year, month):
        profile = profile_for(contract)
        if profile is not None and profile.report_period == ReportPeriod.QUARTERLY and month % 3:
            continue
        due_day = profile.due_day if profile is not None else DEFAULT_DUE_DAY
        due = date(today.year, today.month, min(due_day, 28))
        if today <= due:
            continue
        report = report_for(contract, year, month)
        if report is None or report.status not in DONE:
            late.append({"contract": contract, "report": report, "due": due, "period": f"{year}-{month:02d}"})
    return late


def meetings_without_minutes(now=None):
    now = now or timezone.now()
    with_minutes = MeetingMinutes.objects.values("meeting_id")
    return QualityMeeting.objects.filter(end__lt=now).exclude(pk__in=with_minutes).select_related("chair")


def reporting_panel(user):
    if not allowed(user, MonthlyServiceReport, "view"):
        return None
    return {"template": "reporting/partials/dashboard_panel.html",
            "late_reports": late_reports(),
            "meetings_without_minutes": list(meetings_without_minutes()[:20]),
            "overdue_actions": list(ActionItem.objects.overdue().select_related("owner", "minutes")[:50]),
            "profiles": ReportProfile.objects.exists()}


register_panel(reporting_panel)
