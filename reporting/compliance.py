"""Process-compliance rules of the reporting stage (procedure 4.5.1): monthly reports owed, issued on time and with the
analysis of each missed target; a quality meeting for every month of service, its minutes approved, its actions
done on time.

What is owed and when is decided once, in `services.due` (the months a contract runs in, which of them owe a
report under its profile, the due day) and in the models (a report's missed targets without an analysis, a meeting
action overdue): the work queue reminds before the due date, these rules find what was still skipped after it.
Each rule reads the contracts in force, their profiles and reports (or the meetings) in a few queries and decides
every month up to the check's `today`.

A periodic obligation starts when the procedure establishes it, not at the contract's start: a contract owes
monthly reports (RPT-1) from its report profile's first approval, the company owes a quality meeting every month
(MTG-1) from the first meeting held in ServPlan.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from contracts.models import Contract
from core.compliance import Severity, Violation, rule
from core.display import message

from .choices import MinutesStatus
from .models import ActionItem, MeetingMinutes, MonthlyServiceReport, QualityMeeting, ReportProfile, profiles_for
from .services.due import DONE, due_date, minutes_due, minutes_due_days, owes, service_months

# A superseded version was replaced by an approved one: the month had its approved (or issued) report.
REPORTED = (*DONE, "superseded")
MINUTES_APPROVED = (MinutesStatus.APPROVED, MinutesStatus.DISTRIBUTED, MinutesStatus.SUPERSEDED)


def _contracts(scope):
    """The contracts in force (one version per contract number) of the scope."""
    rows = Contract.objects.in_force().order_by("number", "-version")
    if scope.contracts is not None:
        rows = rows.filter(number__in=Contract.objects.filter(pk__in=scope.contracts).values("number"))
    latest = {}
    for contract in rows:
        latest.setdefault(contract.number, contract)
    return list(latest.values())


@dataclass
class _Month:
    contract: object
    year: int
    month: int
    due: date
    versions: list  # the month's reports, every version, oldest first

    @property
    def period(self):
        return f"{self.year}-{self.month:02d}"


def _first_approved(numbers):
    """{contract number: the day its report profile was first approved} (any version; one query). The reporting
    arrangement agreed from the approved project plan (SP-4.3, SP-4.5.1) is what establishes the monthly report."""
    rows = ReportProfile.objects.filter(contract__number__in=numbers, approved_at__isnull=False) \
        .values("contract__number").annotate(first=Min("approved_at")).order_by()
    return {row["contract__number"]: timezone.localdate(row["first"]) for row in rows}


def _owed_months(scope, established=False):
    """Every report the contracts of the scope owe whose due date has passed by `scope.today`, with the versions
    written for it (a few queries: contracts, profiles, reports). `established`: only the months owed since the
    contract's report profile was first approved (those whose report falls due after that day); a contract without
    an approved profile owes none of them."""
    contracts = _contracts(scope)
    numbers = [contract.number for contract in contracts]
    profiles = profiles_for(numbers)
    approved = _first_approved(numbers) if established else {}
    versions = {}
    for report in MonthlyServiceReport.objects.filter(contract__number__in=numbers) \
            .select_related("contract").order_by("version"):
        versions.setdefault((report.contract.number, report.year, report.month), []).append(report)
    owed = []
    for contract in contracts:
        profile = profiles.get(contract.number)
        since = approved.get(contract.number)
        if established and since is None:
            continue
        for year, month in service_months(contract):
            due = due_date(profile, year, month)
            if due >= scope.today:
                break
            if since is not None and due <= since:
                continue
            if owes(profile, month):
                owed.append(_Month(contract, year, month, due, versions.get((contract.number, year, month), [])))
    return owed


@rule("RPT-1", clause="9.4", severity=Severity.MAJOR, sp="SP-4.5.1",
      title=_("Monthly service report missing"),
      explanation=_("Once the contract's report profile (the reporting arrangement agreed from the approved project "
                    "plan) is approved, each month the contract is in service owes the customer a monthly service "
                    "report (a quarterly profile: each quarter's last month), approved by the profile's due day of "
                    "the next month; the first month owed is the first whose due day falls after the profile's "
                    "first approval. Found: a month past its due day without an approved or issued report. A "
                    "contract whose report profile is not approved owes none here: the missing arrangement is a "
                    "gap of the project plan, not of the monthly report."))
def report_missing(scope):
    for owed in _owed_months(scope, established=True):
        if any(report.status in REPORTED for report in owed.versions):
            continue
        latest = owed.versions[-1] if owed.versions else None
        if latest is None:
            text = message(gettext_noop("No monthly service report for %(period)s, due on %(due)s."),
                           period=owed.period, due=owed.due)
        else:
            text = message(gettext_noop("The monthly service report for %(period)s (%(number)s), due on %(due)s, "
                                        "is not approved."), period=owed.period, due=owed.due, number=latest.number)
        yield _violation(owed.contract, text, owed.period, owed.due, (latest,) if latest else ())


@rule("RPT-2", clause="9.4", severity=Severity.MINOR, sp="SP-4.5.1",
      title=_("Monthly service report issued late"),
      explanation=_("An approved monthly service report is issued to the customer by its due day. Found: a report "
                    "first issued after its due day, or approved but still not issued after it."))
def report_late(scope):
    for owed in _owed_months(scope):
        issued = [report for report in owed.versions if report.issued_at is not None]
        if issued:
            first = min(issued, key=lambda report: report.issued_at)
            day = timezone.localdate(first.issued_at)
            if day > owed.due:
                yield _violation(first, message(
                    gettext_noop("Issued on %(issued)s, %(days)s days after its due day %(due)s."),
                    issued=day, days=(day - owed.due).days, due=owed.due), "", first.issued_at)
            continue
        approved = [report for report in owed.versions if report.status in REPORTED]
        if approved:
            report = approved[-1]
            yield _violation(report, message(
                gettext_noop("Approved but not issued to the customer; it was due on %(due)s."), due=owed.due),
                "", owed.due)


@rule("RPT-3", clause="9.4", severity=Severity.MINOR, sp="SP-4.5.1",
      title=_("Monthly service report issued without the analysis of a missed target"),
      explanation=_("Every target a monthly service report shows as missed has an analysis and an improvement "
                    "action before the report is approved and issued. Found: an issued report with a missed "
                    "target whose analysis or improvement action is missing."))
def report_without_analysis(scope):
    reports = scope.narrow(MonthlyServiceReport.objects.filter(issued_at__isnull=False)) \
        .prefetch_related("analyses").order_by("pk")
    for report in reports:
        missing = report.missing_analyses()  # the decision the approval's condition takes, on prefetched rows
        if missing:
            yield _violation(report, message(
                gettext_noop("Issued with %(count)s missed target(s) not analysed: %(metrics)s."),
                count=len(missing), metrics=", ".join(row["key"] for row in missing)), "", report.issued_at)


# ---- quality meetings, minutes, actions --------------------------------------------------------------------

def _meeting_due(year, month):
    """The last day a month's quality meeting is held on: the end of the next month."""
    months = year * 12 + month + 1  # the first day of the month after the next, less a day
    return date(months // 12, months % 12 + 1, 1) - timedelta(days=1)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@rule("MTG-1", clause="9.1", severity=Severity.MINOR, sp="SP-4.5.1",
      title=_("A month without a quality meeting"),
      explanation=_("The company reviews each month of service in a monthly service quality analysis meeting, held "
                    "by the end of the next month. The series starts with the first meeting held in ServPlan. "
                    "Found, once per month: a month after the first meeting's month whose meeting is past that "
                    "deadline and was not held. With contracts chosen, only the months one of them was in service."))
def month_without_meeting(scope):
    meetings = QualityMeeting.objects.filter(start__lt=_start_of(scope.today + timedelta(days=1)))
    first = meetings.order_by("start", "pk").first()
    if first is None:
        return
    held = set(meetings.values_list("year", "month").distinct())
    in_service = None
    if scope.contracts is not None:
        in_service = {period for contract in _contracts(scope) for period in service_months(contract)}
    year, month = first.year, first.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        due = _meeting_due(year, month)
        if due >= scope.today:
            break
        if (year, month) in held or (in_service is not None and (year, month) not in in_service):
            continue
        period = f"{year}-{month:02d}"
        yield _violation(first, message(
            gettext_noop("No quality meeting was held for %(period)s (due by %(due)s); the monthly series started "
                         "with this meeting."), period=period, due=due), period, due)


def _in_scope_months(scope):
    """Q of the meetings of the months the scope's contracts were in service (all meetings for the whole database)."""
    if scope.contracts is None:
        return Q()
    months = {period for contract in _contracts(scope) for period in service_months(contract)}
    condition = Q(pk__in=[])
    for year, month in months:
        condition |= Q(year=year, month=month)
    return condition


@rule("MTG-2", clause="7.5.3", severity=Severity.MINOR, sp="SP-4.5.1",
      title=_("Quality meeting without approved minutes"),
      explanation=_("The minutes of a quality meeting are written and approved within the days the company set "
                    "after the meeting (SERVPLAN_MINUTES_DUE_DAYS). Found: a meeting held longer ago than that "
                    "whose minutes are not approved, or not written."))
def meeting_without_minutes(scope):
    cutoff = _start_of(scope.today - timedelta(days=minutes_due_days()))  # minutes_due(meeting) < today
    approved = MeetingMinutes.objects.filter(status__in=MINUTES_APPROVED).values("meeting_id")
    meetings = QualityMeeting.objects.filter(_in_scope_months(scope), end__lt=cutoff).exclude(pk__in=approved) \
        .order_by("start")
    drafts = {}
    for minutes in MeetingMinutes.objects.filter(meeting__in=meetings).order_by("version"):
        drafts[minutes.meeting_id] = minutes
    for meeting in meetings:
        draft = drafts.get(meeting.pk)
        due = minutes_due(meeting)
        if draft is None:
            text = message(gettext_noop("Held on %(held)s; no minutes written (due by %(due)s)."),
                           held=timezone.localdate(meeting.end), due=due)
        else:
            text = message(gettext_noop("Held on %(held)s; its minutes %(number)s are not approved (due by "
                                        "%(due)s)."), held=timezone.localdate(meeting.end), number=draft.number,
                           due=due)
        yield _violation(meeting, text, "", due, (draft,) if draft else ())


@rule("ACT-1", clause="10.1", severity=Severity.MINOR, sp="SP-4.5.1",
      title=_("Meeting action overdue"),
      explanation=_("An action decided in a quality meeting is done (or cancelled) by its due date. Found: an open "
                    "action of the current minutes past its due date."))
def action_overdue(scope):
    actions = ActionItem.objects.overdue(scope.today).select_related("minutes").order_by("due_date", "pk")
    if scope.contracts is not None:
        numbers = [contract.number for contract in _contracts(scope)]
        actions = actions.filter(project__contract__number__in=numbers)
    for action in actions:
        yield _violation(action, message(
            gettext_noop("Open and due on %(due)s (%(minutes)s); %(days)s days overdue."),
            due=action.due_date, minutes=action.minutes.number, days=(scope.today - action.due_date).days),
            "", action.due_date, (action.minutes,))


def _violation(obj, text, key, occurred, related=()):
    return Violation(obj, text, key=key, occurred=occurred, related=tuple(related))

