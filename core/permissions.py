"""The permission matrix: which role may do what to which model. One place.

Keys are model labels (``app_label.modelname``). Actions are ``view``,
``add``, ``change``, ``delete`` and the names of workflow transitions.
Every page, API call and test reads this table; nothing else grants rights.
Delegated roles count only for workflow transitions (approvals), never for
view/add/change.
"""

from org.choices import Role as R

EVERYONE = frozenset(R.values)
STAFF = EVERYONE - {R.AUDITOR}
READ_ALL = EVERYONE
DOC_EDITORS = frozenset({R.SERVICE_STAFF, R.SERVICE_MANAGER, R.TSD_STAFF, R.TSD_DIRECTOR, R.MANAGEMENT_REP,
                         R.ADMIN})
DOC_APPROVERS = frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.MANAGEMENT_REP})
CATALOG_EDITORS = frozenset({R.SERVICE_STAFF, R.SERVICE_MANAGER, R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN})
CATALOG_APPROVERS = frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR})
CALENDAR_EDITORS = frozenset({R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN})
SERVICE_DATA_EDITORS = frozenset({R.SERVICE_STAFF, R.SERVICE_MANAGER, R.PROJECT_MANAGER, R.ADMIN})
CUSTOMER_EDITORS = frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN})
# Pre-sales (SP-4.1): Sales and the Service Department collect requirements together; the Service Department
# drafts the proposal and its manager approves it (Sales never approves a proposal).
REQUIREMENT_EDITORS = frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN})
PROPOSAL_DRAFTERS = frozenset({R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN})
# Contract stage (SP-4.2, SP-2.7): Sales drafts contracts and SLAs and alone signs them; the Service Department
# (with Sales) organises the contract review; each department's members give its opinion.
CONTRACT_EDITORS = frozenset({R.SALES, R.ADMIN})
REVIEW_ORGANISERS = frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN})
OPINION_GIVERS = frozenset({R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.TSD_DIRECTOR, R.TSD_STAFF, R.SERVICE_MANAGER,
                            R.SERVICE_STAFF, R.COMMERCE, R.SALES})
# The project stage (issue 5): the Service Department opens projects and appoints PMs; the PM and the
# project team write the plans; the TSD approves plans; the Service Department manager approves work plans.
PROJECT_OPENERS = frozenset({R.SERVICE_MANAGER, R.SERVICE_STAFF, R.ADMIN})
PLAN_AUTHORS = frozenset({R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN})
TEAM_EDITORS = frozenset({R.PROJECT_MANAGER, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.ADMIN})
WORK_PLAN_EDITORS = frozenset({R.PROJECT_MANAGER, R.SERVICE_STAFF, R.TEAM_MEMBER, R.ADMIN})
PROGRESS_RECORDERS = frozenset({R.PROJECT_MANAGER, R.TEAM_MEMBER, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN})
GOAL_EDITORS = frozenset({R.TSD_STAFF, R.TSD_DIRECTOR, R.ADMIN})
REPORT_AUTHORS = frozenset({R.PROJECT_MANAGER, R.SERVICE_STAFF, R.ADMIN})
MEETING_ORGANISERS = frozenset({R.TSD_STAFF, R.TSD_DIRECTOR, R.SERVICE_MANAGER, R.ADMIN})
ACTION_OWNERS = frozenset({R.PROJECT_MANAGER, R.SERVICE_STAFF, R.TEAM_MEMBER})


def _rows(editors):
    return {"view": READ_ALL, "add": editors, "change": editors, "delete": editors}


MATRIX: dict[str, dict[str, frozenset[str]]] = {
    # Company procedure documents (the procedure itself, referenced procedures, SP-1.4).
    "documents.proceduredocument": {
        "view": READ_ALL,
        "add": DOC_EDITORS,
        "change": DOC_EDITORS,
        "delete": DOC_EDITORS,
        "submit": DOC_EDITORS,
        "withdraw": DOC_EDITORS,
        "approve": DOC_APPROVERS,
        "return": DOC_APPROVERS,
    },
    "customers.customer": {
        "view": READ_ALL,
        "add": frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}),
        "change": frozenset({R.SALES, R.SERVICE_STAFF, R.SERVICE_MANAGER, R.ADMIN}),
        "delete": frozenset({R.ADMIN}),
    },
    # What pre-sales learns about a customer (SP-4.1.1, SP-4.1.2): contacts, IT environment, operating data.
    "customers.contact": {"view": READ_ALL, "add": CUSTOMER_EDITORS, "change": CUSTOMER_EDITORS,
                          "delete": CUSTOMER_EDITORS},
    "customers.configurationitem": {"view": READ_ALL, "add": CUSTOMER_EDITORS, "change": CUSTOMER_EDITORS,
                                    "delete": CUSTOMER_EDITORS},
    "customers.operatingdata": {"view": READ_ALL, "add": CUSTOMER_EDITORS, "change": CUSTOMER_EDITORS,
                                "delete": CUSTOMER_EDITORS},
    "presales.servicerequirement": {
        "view": READ_ALL,
        "add": REQUIREMENT_EDITORS,
        "change": REQUIREMENT_EDITORS,
        "delete": REQUIREMENT_EDITORS,
        "submit": REQUIREMENT_EDITORS,
        "withdraw": REQUIREMENT_EDITORS,
        "approve": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
        "return": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
    },
    "presales.requirementtarget": {"view": READ_ALL, "add": REQUIREMENT_EDITORS, "change": REQUIREMENT_EDITORS,
                                   "delete": REQUIREMENT_EDITORS},
    "presales.requirementskill": {"view": READ_ALL, "add": REQUIREMENT_EDITORS, "change": REQUIREMENT_EDITORS,
                                  "delete": REQUIREMENT_EDITORS},
    "presales.presalesproposal": {
        "view": READ_ALL,
        "add": PROPOSAL_DRAFTERS,
        "change": PROPOSAL_DRAFTERS,
        "delete": PROPOSAL_DRAFTERS,
        "submit": PROPOSAL_DRAFTERS,
        "withdraw": PROPOSAL_DRAFTERS,
        "approve": frozenset({R.SERVICE_MANAGER}),
        "return": frozenset({R.SERVICE_MANAGER}),
    },
    "presales.proposalline": {"view": READ_ALL, "add": PROPOSAL_DRAFTERS, "change": PROPOSAL_DRAFTERS,
                              "delete": PROPOSAL_DRAFTERS},
    "presales.proposallinetarget": {"view": READ_ALL, "add": PROPOSAL_DRAFTERS, "change": PROPOSAL_DRAFTERS,
                                    "delete": PROPOSAL_DRAFTERS},
    # The company's service capability used by the proposal's fit check: who has which skill and free time.
    "presales.staffskill": {"view": READ_ALL, "add": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN}),
                            "change": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN}),
                            "delete": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN})},
    # Service catalogue (SP-1.3): families and services are master data; a tier (SLA template) is a
    # controlled record approved by the Service Department manager or the TSD director.
    "catalog.servicefamily": {
        "view": READ_ALL,
        "add": CATALOG_EDITORS,
        "change": CATALOG_EDITORS,
        "delete": CATALOG_APPROVERS | {R.ADMIN},
    },
    "catalog.service": {
        "view": READ_ALL,
        "add": CATALOG_EDITORS,
        "change": CATALOG_EDITORS,
        "delete": CATALOG_APPROVERS | {R.ADMIN},
    },
    "catalog.servicetier": {
        "view": READ_ALL,
        "add": CATALOG_EDITORS,
        "change": CATALOG_EDITORS,
        "delete": CATALOG_EDITORS,
        "submit": CATALOG_EDITORS,
        "withdraw": CATALOG_EDITORS,
        "approve": CATALOG_APPROVERS,
        "return": CATALOG_APPROVERS,
    },
    # A tier's rows: written with the tier, only while it is a draft or returned.
    "catalog.prioritytarget": {"view": READ_ALL, "add": CATALOG_EDITORS, "change": CATALOG_EDITORS,
                               "delete": CATALOG_EDITORS},
    "catalog.skillrequirement": {"view": READ_ALL, "add": CATALOG_EDITORS, "change": CATALOG_EDITORS,
                                 "delete": CATALOG_EDITORS},
    # Business calendars: administrators and the Technical Service Division keep them.
    "catalog.calendar": {"view": READ_ALL, "add": CALENDAR_EDITORS, "change": CALENDAR_EDITORS,
                         "delete": CALENDAR_EDITORS},
    "catalog.workinghours": {"view": READ_ALL, "add": CALENDAR_EDITORS, "change": CALENDAR_EDITORS,
                             "delete": CALENDAR_EDITORS},
    "catalog.calendarday": {"view": READ_ALL, "add": CALENDAR_EDITORS, "change": CALENDAR_EDITORS,
                            "delete": CALENDAR_EDITORS},
    # Frozen versions are written by the calendar service itself, never edited.
    "catalog.calendarversion": {"view": READ_ALL},
    # Service contracts (SP-4.2): Sales drafts them; the Service Department manager or the TSD director
    # approves; only Sales signs (and only with a passed contract review, see contracts/workflows.py).
    "contracts.contract": {
        "view": READ_ALL,
        "add": CONTRACT_EDITORS,
        "change": CONTRACT_EDITORS,
        "delete": CONTRACT_EDITORS,
        "submit": CONTRACT_EDITORS,
        "withdraw": CONTRACT_EDITORS,
        "approve": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
        "return": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
        "sign": frozenset({R.SALES}),
    },
    "contracts.contractservice": {"view": READ_ALL, "add": CONTRACT_EDITORS, "change": CONTRACT_EDITORS,
                                  "delete": CONTRACT_EDITORS},
    "contracts.paymentmilestone": {"view": READ_ALL, "add": CONTRACT_EDITORS, "change": CONTRACT_EDITORS,
                                   "delete": CONTRACT_EDITORS},
    # The signed SLA (SP-1.3, SP-2.7): Sales organises its review and signing; the Service Department manager
    # approves the service levels; it is signed together with its contract.
    "contracts.servicelevelagreement": {
        "view": READ_ALL,
        "add": CONTRACT_EDITORS,
        "change": CONTRACT_EDITORS,
        "delete": CONTRACT_EDITORS,
        "submit": CONTRACT_EDITORS,
        "withdraw": CONTRACT_EDITORS,
        "approve": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
        "return": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
        "sign": frozenset({R.SALES}),
    },
    "contracts.slatarget": {"view": READ_ALL, "add": CONTRACT_EDITORS, "change": CONTRACT_EDITORS,
                            "delete": CONTRACT_EDITORS},
    # Contract review record (SP-4.2.1): it passes by the rule in contracts/review.py, fired by the opinion
    # that completes it; whoever gives opinions may therefore record the pass.
    "contracts.contractreview": {
        "view": READ_ALL,
        "add": REVIEW_ORGANISERS,
        "change": REVIEW_ORGANISERS,
        "delete": REVIEW_ORGANISERS,
        "submit": REVIEW_ORGANISERS,
        "withdraw": REVIEW_ORGANISERS,
        "approve": OPINION_GIVERS,
        "return": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
    },
    "contracts.reviewopinion": {"view": READ_ALL, "add": REVIEW_ORGANISERS, "change": OPINION_GIVERS,
                                "delete": REVIEW_ORGANISERS},
    # Service data: tickets arrive by import or API push ("add"/"change"); recomputing SLA clocks
    # with a newer calendar or SLA is a manager's explicit, audited step.
    "servicedata.ticket": {
        "view": READ_ALL,
        "add": SERVICE_DATA_EDITORS,
        "change": SERVICE_DATA_EDITORS,
        "recompute": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR, R.ADMIN}),
    },
    "servicedata.importjob": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS},
    "servicedata.outage": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS, "change": SERVICE_DATA_EDITORS,
                           "delete": SERVICE_DATA_EDITORS},
    "servicedata.maintenancewindow": {"view": READ_ALL, "add": SERVICE_DATA_EDITORS, "change": SERVICE_DATA_EDITORS,
                                      "delete": SERVICE_DATA_EDITORS},
    # Projects (SP-4.3, SP-4.4, issue 5).
    "projects.project": {"view": READ_ALL, "add": PROJECT_OPENERS, "change": PROJECT_OPENERS | {R.PROJECT_MANAGER},
                         "delete": frozenset({R.ADMIN}), "appoint": frozenset({R.SERVICE_MANAGER, R.ADMIN})},
    "projects.teammember": _rows(TEAM_EDITORS),
    # Initiation application: department manager THEN Technical Service Division (two transitions).
    "projects.initiationapplication": {
        **_rows(PLAN_AUTHORS), "submit": PLAN_AUTHORS, "withdraw": PLAN_AUTHORS,
        "approve_department": frozenset({R.SERVICE_MANAGER}), "return": frozenset({R.SERVICE_MANAGER}),
        "approve": frozenset({R.TSD_DIRECTOR}), "division_return": frozenset({R.TSD_DIRECTOR}),
    },
    "projects.initiationplan": {**_rows(PLAN_AUTHORS), "submit": PLAN_AUTHORS, "withdraw": PLAN_AUTHORS,
                                "approve": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR}),
                                "return": frozenset({R.SERVICE_MANAGER, R.TSD_DIRECTOR})},
    "projects.projectplan": {**_rows(PLAN_AUTHORS), "submit": PLAN_AUTHORS, "withdraw": PLAN_AUTHORS,
                             "approve": frozenset({R.TSD_DIRECTOR}), "return": frozenset({R.TSD_DIRECTOR})},
    "projects.qualityobjective": _rows(PLAN_AUTHORS),
    "projects.planmilestone": _rows(PLAN_AUTHORS),
    "projects.planrisk": _rows(PLAN_AUTHORS),
    "projects.planreview": {**_rows(PLAN_AUTHORS), "conclude": PLAN_AUTHORS},
    "projects.reviewfinding": _rows(PLAN_AUTHORS),
    # Work plan: only the Service Department manager (or a delegate) approves; revisions move through the
    # change request, whose transitions fire the *_revision ones.
    "projects.workplan": {
        **_rows(WORK_PLAN_EDITORS),
        "submit": frozenset({R.PROJECT_MANAGER}), "withdraw": frozenset({R.PROJECT_MANAGER}),
        "approve": frozenset({R.SERVICE_MANAGER}), "return": frozenset({R.SERVICE_MANAGER}),
        "submit_revision": frozenset({R.PROJECT_MANAGER}), "approve_revision": frozenset({R.SERVICE_MANAGER}),
        "rework_revision": frozenset({R.SERVICE_MANAGER}), "reject_revision": frozenset({R.SERVICE_MANAGER}),
    },
    "projects.task": _rows(WORK_PLAN_EDITORS),
    "projects.dependency": _rows(WORK_PLAN_EDITORS),
    "projects.taskprogress": {"view": READ_ALL, "add": PROGRESS_RECORDERS, "change": PROGRESS_RECORDERS},
    "projects.changerequest": {
        **_rows(frozenset({R.PROJECT_MANAGER, R.ADMIN})), "request": frozenset({R.PROJECT_MANAGER}),
        "check": frozenset({R.PROJECT_MANAGER}), "approve": frozenset({R.SERVICE_MANAGER}),
        "rework": frozenset({R.SERVICE_MANAGER}), "reject": frozenset({R.SERVICE_MANAGER}),
    },
    # Annual goals (SP-2.3): set and approved by the Technical Service Division.
    "strategy.annualgoals": {**_rows(GOAL_EDITORS), "submit": GOAL_EDITORS, "withdraw": GOAL_EDITORS,
                             "approve": frozenset({R.TSD_DIRECTOR}), "return": frozenset({R.TSD_DIRECTOR})},
    "strategy.goal": _rows(GOAL_EDITORS),
    "strategy.taskallocation": _rows(GOAL_EDITORS),
    "org.department": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "change": frozenset({R.ADMIN}),
        "delete": frozenset({R.ADMIN}),
    },
    "org.user": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "change": frozenset({R.ADMIN}),
        "delete": frozenset(),
    },
    "org.roleassignment": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "delete": frozenset({R.ADMIN}),
    },
    "org.delegation": {
        # Anyone may delegate their own approvals; the view restricts rows to their own.
        "view": READ_ALL,
        "add": STAFF,
        "change": STAFF,
        "delete": frozenset(),
    },
    # Reporting (SP-4.5.1, issue 6): the PM writes the monthly report, the Service Department manager approves
    # and then issues it; the TSD runs the internal report and the monthly quality meeting and its minutes.
    "reporting.reportprofile": {**_rows(REPORT_AUTHORS), "submit": REPORT_AUTHORS, "withdraw": REPORT_AUTHORS,
                                "approve": frozenset({R.SERVICE_MANAGER}), "return": frozenset({R.SERVICE_MANAGER})},
    "reporting.monthlyservicereport": {**_rows(REPORT_AUTHORS), "submit": REPORT_AUTHORS,
                                       "withdraw": REPORT_AUTHORS, "approve": frozenset({R.SERVICE_MANAGER}),
                                       "return": frozenset({R.SERVICE_MANAGER}),
                                       "issue": frozenset({R.SERVICE_MANAGER, R.PROJECT_MANAGER})},
    "reporting.metricanalysis": _rows(REPORT_AUTHORS),
    "reporting.internalservicereport": {**_rows(MEETING_ORGANISERS), "submit": MEETING_ORGANISERS,
                                        "withdraw": MEETING_ORGANISERS, "approve": frozenset({R.TSD_DIRECTOR}),
                                        "return": frozenset({R.TSD_DIRECTOR})},
    "reporting.qualitymeeting": _rows(MEETING_ORGANISERS),
    "reporting.meetingattendee": _rows(MEETING_ORGANISERS),
    "reporting.meetingminutes": {**_rows(MEETING_ORGANISERS), "submit": MEETING_ORGANISERS,
                                 "withdraw": MEETING_ORGANISERS,
                                 "approve": frozenset({R.TSD_DIRECTOR, R.MANAGEMENT_REP}),
                                 "return": frozenset({R.TSD_DIRECTOR, R.MANAGEMENT_REP}),
                                 "distribute": MEETING_ORGANISERS},
    "reporting.actionitem": {**_rows(MEETING_ORGANISERS | ACTION_OWNERS)},
    "core.recordindex": {"view": READ_ALL},
    "core.numberingscheme": {
        "view": READ_ALL,
        "add": frozenset({R.ADMIN}),
        "change": frozenset({R.ADMIN}),
        "delete": frozenset(),
    },
    "core.auditentry": {
        "view": frozenset({R.AUDITOR, R.ADMIN, R.GENERAL_MANAGER, R.MANAGEMENT_REP, R.TSD_DIRECTOR}),
    },
}


def roles_for(model_label: str, action: str) -> frozenset[str]:
    return MATRIX.get(model_label, {}).get(action, frozenset())


def label_of(model) -> str:
    return model._meta.label_lower


def user_roles(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.own_roles


def allowed(user, model, action: str) -> bool:
    """Role-only check (view/add/change/delete); transitions go through core.workflow."""
    return bool(user_roles(user) & roles_for(label_of(model), action))
