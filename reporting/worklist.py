"""The reporting stage's work-queue sources (core.worklist): reports to write, minutes to write, meetings coming
up and actions due, each to the person who owes it and no one else.

* A monthly report due or late goes to its author once it exists (until it is submitted), and before that to
  the project managers of the contract's projects: the link opens the create form with contract and month set.
* A meeting that ended without minutes goes to its chair and minute-taker: the link opens the minutes form.
* A meeting in the next two weeks goes to its chair, minute-taker and invitees.
* An open action due in the next two weeks, or overdue, goes to its owner.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _t

from core.permissions import allowed
from core.worklist import SOON, Item, Kind, record_key, register
from projects.models import Project

from .choices import ActionStatus, ReportStatus
from .models import ActionItem, MeetingMinutes, MonthlyServiceReport, QualityMeeting, ReportProfile
from .services.due import meetings_without_minutes, minutes_due, reports_due

TO_FINISH = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _managed_contracts(user):
    return set(Project.objects.filter(manager=user).values_list("contract__number", flat=True))


@register
def monthly_reports_owed(user, today):
    """Reports the user must write (a project they manage) or finish (a draft or returned report they wrote)."""
    if not allowed(user, MonthlyServiceReport, "view"):
        return
    managed = _managed_contracts(user)
    authored = set(MonthlyServiceReport.objects.filter(author=user, status__in=TO_FINISH)
                   .values_list("contract__number", flat=True))
    if not managed and not authored:
        return
    may_add = allowed(user, MonthlyServiceReport, "add")
    for due in reports_due(today, contracts=managed | authored, horizon=SOON):
        contract, report = due.contract, due.report
        key = f"monthly_report:contract={contract.number}:{due.period}"
        label = f"{contract.customer} · {contract.number} · {due.period}"
        if report is None and contract.number in managed and may_add:
            query = urlencode({"contract": contract.pk, "year": due.year, "month": due.month})
            yield Item(key, Kind.WRITE, _t("Write the monthly service report: %(what)s") % {"what": label},
                       f"{reverse('reporting:monthlyservicereport_add')}?{query}", due=due.due, record=contract)
        elif report is not None and report.status in TO_FINISH and report.author_id == user.pk:
            yield Item(record_key("monthly_report", report.pk), Kind.WRITE,
                       _t("Finish and submit the monthly service report: %(what)s")
                       % {"what": label}, report.get_absolute_url(), due=due.due, record=report)


@register
def minutes_owed(user, today):
    """Meetings the user chaired or took minutes of that have no minutes yet."""
    meetings = meetings_without_minutes().filter(Q(chair=user) | Q(minute_taker=user))
    may_add = allowed(user, MeetingMinutes, "add")
    for meeting in meetings[:50]:
        url = f"{reverse('reporting:meetingminutes_add')}?meeting={meeting.pk}" if may_add \
            else meeting.get_absolute_url()
        yield Item(f"minutes:meeting={meeting.pk}", Kind.WRITE,
                   _t("Write the minutes of %(meeting)s") % {"meeting": meeting.title}, url,
                   due=minutes_due(meeting), record=meeting)


@register
def meetings_coming(user, today):
    """Quality meetings in the next two weeks the user chairs, takes minutes of or is invited to."""
    start = timezone.make_aware(timezone.datetime.combine(today, timezone.datetime.min.time()))
    meetings = QualityMeeting.objects.filter(start__gte=start, start__lt=start + SOON + timedelta(days=1)) \
        .filter(Q(chair=user) | Q(minute_taker=user) | Q(attendees__user=user)).distinct().order_by("start")
    for meeting in meetings[:20]:
        when = f"{timezone.localtime(meeting.start):%Y-%m-%d %H:%M}"
        yield Item(f"meeting:{meeting.pk}", Kind.DUE,
                   _t("Quality meeting %(meeting)s at %(when)s") % {"meeting": meeting.title, "when": when},
                   meeting.get_absolute_url(), due=timezone.localdate(meeting.start), record=meeting,
                   start=meeting.start, end=meeting.end)


@register
def actions_due(user, today):
    """The user's open meeting actions, overdue or due within two weeks."""
    actions = ActionItem.objects.filter(owner=user, status=ActionStatus.OPEN, due_date__lte=today + SOON,
                                        minutes__successor__isnull=True).select_related("minutes")
    for action in actions[:50]:
        yield Item(f"action:{action.pk}", Kind.DUE, _t("Action: %(action)s (%(minutes)s)")
                   % {"action": action.description, "minutes": action.minutes.number},
                   action.get_absolute_url(), due=action.due_date, record=action)


# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
@register
def surveys_to_answer(user, today):
    """A customer contact: each issued monthly report they have not rated yet."""
    from .services.satisfaction import pending_for

    for report in pending_for(user)[:20]:
        yield Item(f"survey:report={report.pk}", Kind.WRITE,
                   _t("Rate the service of %(period)s (%(contract)s)")
                   % {"period": report.period_label, "contract": report.contract.number},
                   reverse("reporting:satisfaction_answer", args=[report.pk]), record=report)


@register
def profiles_to_agree(user, today):
    """A customer contact: the report settings in force they have not agreed yet. Their project manager: the
    settings of the contracts they manage that the customer has not agreed (waiting, or changes asked for)."""
    from .services import agreement
    from .services.satisfaction import is_customer

    if is_customer(user):
        for profile in agreement.waiting_for(user)[:20]:
            yield Item(f"profile_agreement:{profile.pk}", Kind.WRITE,
                       _t("Agree the report settings %(number)s v%(version)s")
                       % {"number": profile.number, "version": profile.version},
                       reverse("reporting:reportprofile_agree", args=[profile.pk]), record=profile)
        return
    managed = _managed_contracts(user)
    if not managed or not allowed(user, ReportProfile, "view"):
        return
    for profile, answer in agreement.not_agreed(managed):
        if answer is None:
            title = _t("Report settings %(number)s v%(version)s not agreed by the customer yet") \
                % {"number": profile.number, "version": profile.version}
        else:
            title = _t("The customer asked for changes to the report settings %(number)s: %(comment)s") \
                % {"number": profile.number, "comment": answer.comment}
        yield Item(f"profile_agreement:{profile.pk}", Kind.WRITE, title, profile.get_absolute_url(), record=profile)
