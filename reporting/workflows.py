"""Record types of the reporting stage and their workflows (roles per transition: core.permissions).

* Report profile: the generic review (changed only through approval).
* Monthly service report: draft → in review → approved → issued (the PM writes; the Service Department
  manager approves; "issue" e-mails the PDF to the profile's recipients). Submitting needs generated
  figures; approving needs an analysis and an improvement action for every missed target.
* Internal service report: the generic review.
* Meeting minutes: draft → in review → approved → distributed (e-mailed to the attendees).
"""

from django.utils.translation import gettext_lazy as _

from core import navigation, scopes
from core.choices import RecordStatus
from core.permissions import crud, declare, review_flow
from core.registry import PROJECT_TEAM, TSD, RecordType, registry
from core.roles import READ_ALL
from core.roles import Role as R
from core.workflow import (
    NOT_AUTHOR,
    Condition,
    Transition,
    Workflow,
    edit_record,
    generic_review_workflow,
    next_review_round,
    open_record,
    set_approved,
    supersede_predecessors,
)

from .choices import MinutesStatus, ReportStatus


def _generated(record, user):
    return record.generated


def _analysed(record, user):
    return not record.missing_analyses()


def _attendance_recorded(minutes, user):
    from .services.meetings import attendance_recorded

    return attendance_recorded(minutes.meeting)


ATTENDANCE = Condition(_attendance_recorded, _("Record who attended the meeting (tick the invitees present)."),
                       fix=edit_record)
GENERATED = Condition(_generated, _("Generate the report's figures first."), fix=open_record)
ANALYSED = Condition(_analysed, _("Every missed target needs an analysis and an improvement action before "
                                  "the report can be approved."), fix=open_record)


def _issue(record, user):
    from .services.monthly import issue_report

    issue_report(record, user)


def _distribute(record, user):
    from .services.meetings import distribute_minutes

    distribute_minutes(record, user)


def _with_release(states, release_name, release_label, released, effect):
    s = states
    return Workflow(
        states=s,
        initial=s.DRAFT,
        transitions=(
            Transition("submit", _("Submit for review"), (s.DRAFT, s.RETURNED), s.IN_REVIEW,
                       effects=(next_review_round,),
                       conditions=(GENERATED,) if s is ReportStatus else (ATTENDANCE,)),
            Transition("withdraw", _("Withdraw"), (s.IN_REVIEW,), s.DRAFT, style="secondary", only_submitter=True),
            Transition("approve", _("Approve"), (s.IN_REVIEW,), s.APPROVED,
                       conditions=(NOT_AUTHOR, ANALYSED) if s is ReportStatus else (NOT_AUTHOR,),
                       effects=(set_approved, supersede_predecessors), style="success", decides=True),
            Transition("return", _("Return for rework"), (s.IN_REVIEW,), s.RETURNED, comment_required=True,
                       style="warning", decides=True),
            Transition(release_name, release_label, (s.APPROVED,), released, effects=(effect,), style="primary"),
        ),
        frozen_states=(s.APPROVED, released),
    )


MONTHLY_REPORT_WORKFLOW = _with_release(ReportStatus, "issue", _("Issue to the customer"), ReportStatus.ISSUED,
                                        _issue)
MINUTES_WORKFLOW = _with_release(MinutesStatus, "distribute", _("Distribute"), MinutesStatus.DISTRIBUTED,
                                 _distribute)

registry.declare(RecordType("report_profile", _("Report profile"), PROJECT_TEAM, "SP-RPP", spec="SP-4.5.1"))
CONTRACT_SCOPE = {"contract": "contract"}
registry.bind("report_profile", "reporting.ReportProfile", generic_review_workflow(), scope=CONTRACT_SCOPE)
registry.bind("monthly_report", "reporting.MonthlyServiceReport", MONTHLY_REPORT_WORKFLOW, scope=CONTRACT_SCOPE)
registry.declare(RecordType("internal_report", _("Internal service report"), TSD, "SP-ISR", spec="SP-4.5.1"))
registry.bind("internal_report", "reporting.InternalServiceReport", generic_review_workflow())
registry.bind("meeting_minutes", "reporting.MeetingMinutes", MINUTES_WORKFLOW)


# ---- who may do what, and where it sits in the menu ----------------------------------------------
# The PM writes the monthly report, the Service Department manager approves and then issues it; the TSD runs
# the internal report and the monthly quality meeting and its minutes (SP-4.5.1).
REPORT_AUTHORS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN}
MEETING_ORGANISERS = {R.TSD_STAFF, R.TSD_DIRECTOR, R.SERVICE_MANAGER, R.ADMIN}
ACTION_OWNERS = {R.PROJECT_MANAGER, R.SERVICE_STAFF, R.TEAM_MEMBER}
declare({
    # The customer contact reads the profile (to agree it) and the issued reports (to rate them): only their
    # own organisation's, and only what is shared with them (core.scopes confinement and share rules).
    "reporting.reportprofile": review_flow(REPORT_AUTHORS, {R.SERVICE_MANAGER}, view=READ_ALL | {R.CUSTOMER}),
    "reporting.monthlyservicereport": review_flow(REPORT_AUTHORS, {R.SERVICE_MANAGER},
                                                  issue={R.SERVICE_MANAGER, R.PROJECT_MANAGER},
                                                  view=READ_ALL | {R.CUSTOMER}),
    "reporting.metricanalysis": crud(REPORT_AUTHORS),
    "reporting.internalservicereport": review_flow(MEETING_ORGANISERS, {R.TSD_DIRECTOR}),
    "reporting.qualitymeeting": crud(MEETING_ORGANISERS),
    "reporting.meetingattendee": crud(MEETING_ORGANISERS),
    "reporting.meetingminutes": review_flow(MEETING_ORGANISERS, {R.TSD_DIRECTOR, R.MANAGEMENT_REP},
                                            distribute=MEETING_ORGANISERS, view=READ_ALL | {R.CUSTOMER}),
    "reporting.actionitem": crud(MEETING_ORGANISERS | ACTION_OWNERS),
})
navigation.add("monitoring", _("Monthly service reports"), "reporting:monthlyservicereport_list",
               "reporting.monthlyservicereport",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER, R.SERVICE_STAFF})
navigation.add("monitoring", _("Report profiles"), "reporting:reportprofile_list", "reporting.reportprofile",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER})
navigation.add("monitoring", _("Internal service reports"), "reporting:internalservicereport_list",
               "reporting.internalservicereport",
               roles={R.TSD_STAFF, R.TSD_DIRECTOR, R.GENERAL_MANAGER, R.MANAGEMENT_REP})
navigation.add("monitoring", _("Quality meetings"), "reporting:qualitymeeting_list", "reporting.qualitymeeting",
               roles={R.TSD_STAFF, R.TSD_DIRECTOR, R.SERVICE_MANAGER, R.MANAGEMENT_REP})
navigation.add("monitoring", _("Meeting minutes"), "reporting:meetingminutes_list", "reporting.meetingminutes",
               roles={R.TSD_STAFF, R.TSD_DIRECTOR, R.MANAGEMENT_REP})
navigation.add("monitoring", _("Meeting actions"), "reporting:actionitem_list", "reporting.actionitem",
               roles={R.PROJECT_MANAGER, R.TEAM_MEMBER, R.SERVICE_STAFF, R.TSD_STAFF})


# ---- shared with the customer (the customer's own view, portal) -------------------------------------------------
# A customer contact sees their contracts' monthly reports once issued (never a draft or one in review), the
# approved report profile (what they agree to receive, SP-4.5.1), and the minutes of a quality meeting they were
# invited to once distributed (the minutes are the company's otherwise: they have no customer).
scopes.share("reporting.monthlyservicereport", lambda rows, user: rows.filter(status=ReportStatus.ISSUED))
scopes.share("reporting.reportprofile", lambda rows, user: rows.filter(status=RecordStatus.APPROVED))
scopes.share("reporting.meetingminutes", lambda rows, user: rows.filter(
    status=MinutesStatus.DISTRIBUTED, meeting__attendees__user=user).distinct(), personal=True)


# ---- customer satisfaction and the customer's agreement of the report profile ----------------------------
# The customer contact answers the survey and agrees the report profile (SP-4.5.1); staff read the answers, and
# the Service Department records an answer given on paper or by phone. An answer or an agreement is never changed.
SURVEY_RECORDERS = {R.SERVICE_MANAGER, R.SERVICE_STAFF, R.PROJECT_MANAGER, R.ADMIN}
declare({
    "reporting.satisfactionresponse": {"view": READ_ALL | {R.CUSTOMER}, "add": SURVEY_RECORDERS | {R.CUSTOMER},
                                       "change": set(), "delete": set()},
    "reporting.profileagreement": {"view": READ_ALL | {R.CUSTOMER}, "add": {R.CUSTOMER}, "change": set(),
                                   "delete": set()},
})
navigation.add("monitoring", _("Customer satisfaction"), "reporting:satisfactionresponse_list",
               "reporting.satisfactionresponse",
               roles={R.PROJECT_MANAGER, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.TSD_DIRECTOR, R.MANAGEMENT_REP})
# A customer contact sees their own survey answers, and their organisation's answers on its report profiles.
scopes.share("reporting.satisfactionresponse", lambda rows, user: rows.filter(respondent=user))
scopes.share("reporting.profileagreement", lambda rows, user: rows)
