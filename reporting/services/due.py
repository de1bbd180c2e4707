"""What the reporting stage owes and when: reports per contract and month, minutes per meeting, actions.

The decisions the work queue (reporting/worklist.py), the reminders and the tests share: a contract in force
owes a report for each month (a quarterly profile only for the quarter's last month) by its profile's due day of
the following month; a held meeting owes its minutes; an open action is due on its date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from projects.choices import ReportPeriod

from ..choices import ReportStatus, Scope
from ..figures import previous_month
from ..models import MeetingMinutes, MonthlyServiceReport, QualityMeeting, profile_for

DEFAULT_DUE_DAY = 10
DONE = (ReportStatus.APPROVED, ReportStatus.ISSUED)


def minutes_due_days():
    """Days after a meeting within which its minutes are expected (SERVPLAN_MINUTES_DUE_DAYS, default 5)."""
    return getattr(settings, "SERVPLAN_MINUTES_DUE_DAYS", 5)


@dataclass
class ReportDue:
    contract: object
    year: int
    month: int
    due: date
    report: object = None  # the latest version, None while not written

    @property
    def period(self):
        return f"{self.year}-{self.month:02d}"

    def late(self, today):
        return today > self.due


def owes(profile, month):
    """Whether a contract with this report profile (None: none yet) owes a report for `month`: every month, a
    quarterly profile only the quarter's last."""
    return not (profile is not None and profile.report_period == ReportPeriod.QUARTERLY and month % 3)


def due_date(profile, year, month):
    """The day the report for (year, month) is due: the profile's due day (default the 10th) of the next month."""
    due_day = profile.due_day if profile is not None else DEFAULT_DUE_DAY
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(next_year, next_month, min(due_day, 28))


def service_months(contract):
    """(year, month) of every month the contract runs in: its start date's month to its end date's month (the
    months `internal.contracts_in_scope` counts it in)."""
    year, month = contract.start_date.year, contract.start_date.month
    while (year, month) <= (contract.end_date.year, contract.end_date.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def reports_due(today=None, contracts=None, horizon=timedelta(days=14)):
    """Reports not yet approved whose due date has passed or falls within `horizon`: last month's and this
    month's, per contract in force (or of `contracts`), oldest first."""
    from .internal import contracts_in_scope

    today = today or timezone.localdate()
    periods = [previous_month(today.year, today.month), (today.year, today.month)]
    wanted = []
    for year, month in periods:
        for contract in contracts_in_scope(Scope.COMPANY, None, year, month):
            if contracts is not None and contract.number not in contracts:
                continue
            profile = profile_for(contract)
            if not owes(profile, month):
                continue
            due = due_date(profile, year, month)
            if due <= today + horizon:
                wanted.append(ReportDue(contract, year, month, due))
    if not wanted:
        return []
    latest = {}  # (contract number, year, month) -> the highest version
    for report in MonthlyServiceReport.objects.filter(contract__number__in={w.contract.number for w in wanted}) \
            .filter(year__in={w.year for w in wanted}, month__in={w.month for w in wanted}) \
            .select_related("author", "contract").order_by("version"):
        latest[(report.contract.number, report.year, report.month)] = report
    result = []
    for item in wanted:
        item.report = latest.get((item.contract.number, item.year, item.month))
        if item.report is None or item.report.status not in DONE:
            result.append(item)
    return sorted(result, key=lambda item: (item.due, item.contract.number))


def late_reports(today=None):
    """Last month's reports missing or unapproved after the due day (a dict per contract, for pages and tests)."""
    today = today or timezone.localdate()
    return [{"contract": item.contract, "report": item.report, "due": item.due, "period": item.period}
            for item in reports_due(today, horizon=timedelta(0)) if item.late(today)]


def meetings_without_minutes(now=None):
    """Meetings that have ended and have no minutes yet."""
    now = now or timezone.now()
    with_minutes = MeetingMinutes.objects.values("meeting_id")
    return QualityMeeting.objects.filter(end__lt=now).exclude(pk__in=with_minutes).select_related("chair")


def minutes_due(meeting):
    return timezone.localdate(meeting.end) + timedelta(days=minutes_due_days())
