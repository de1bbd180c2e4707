"""The information security incident 信息安全事件 (SP-4.5.5): record type, workflow, permission rows, menu.

reported → acknowledged (only the Technical Service Division director, or whoever the escalation reached) →
solution drawn up (with the PM) → solution approved (director or Service Department manager) → implementing →
verified (Service Department) → closed. Reporting is a transition, so the director's urgent work-queue item is told
at once (every transition enqueues a reminder run: notifications.signals).
"""

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.permissions import declare
from core.registry import SERVICE_DEPT, RecordType, registry
from core.roles import READ_ALL, STAFF
from core.roles import Role as R
from core.workflow import Condition, Transition, Workflow, edit_record

from .choices import IncidentStatus as S


def _may_acknowledge(incident, user):
    from .services import may_acknowledge

    return may_acknowledge(incident, user)


def _has_solution(incident, user):
    return bool((incident.solution or "").strip())


def _verified(incident, user):
    from .services import open_tasks

    return bool((incident.verification or "").strip()) and not open_tasks(incident).exists()


def _effect(name):
    def effect(incident, user):
        from . import services

        getattr(services, name)(incident, user)
    effect.__name__ = name
    return effect


ACKNOWLEDGER = Condition(_may_acknowledge, _("Only the Technical Service Division director, or someone the "
                                             "escalation reached, acknowledges an incident."))
SOLUTION_WRITTEN = Condition(_has_solution, _("Write the solution (with the PM) first."), fix=edit_record)
VERIFIED = Condition(_verified, _("Record how the solution was verified, and finish every task, first."),
                     fix=edit_record)

INCIDENT_WORKFLOW = Workflow(
    states=S, initial=S.DRAFT,
    transitions=(
        Transition("report", _("Report"), (S.DRAFT,), S.REPORTED, effects=(_effect("on_reported"),),
                   style="danger"),
        Transition("acknowledge", _("Acknowledge"), (S.REPORTED,), S.ACKNOWLEDGED, conditions=(ACKNOWLEDGER,),
                   effects=(_effect("on_acknowledged"),), style="success"),
        Transition("draw_up", _("Solution drawn up"), (S.ACKNOWLEDGED,), S.SOLUTION_DRAWN_UP,
                   conditions=(SOLUTION_WRITTEN,)),
        Transition("approve_solution", _("Approve the solution"), (S.SOLUTION_DRAWN_UP,), S.SOLUTION_APPROVED,
                   conditions=(SOLUTION_WRITTEN,), style="success"),
        Transition("return_solution", _("Return the solution"), (S.SOLUTION_DRAWN_UP,), S.ACKNOWLEDGED,
                   comment_required=True, style="warning"),
        Transition("implement", _("Start implementing"), (S.SOLUTION_APPROVED,), S.IMPLEMENTING),
        Transition("verify", _("Record as verified"), (S.IMPLEMENTING,), S.VERIFIED, conditions=(VERIFIED,),
                   effects=(_effect("on_verified"),), style="success"),
        Transition("close", _("Close"), (S.VERIFIED,), S.CLOSED, style="success"),
    ),
    editable_states=(S.DRAFT, S.REPORTED, S.ACKNOWLEDGED, S.SOLUTION_DRAWN_UP, S.SOLUTION_APPROVED, S.IMPLEMENTING,
                     S.VERIFIED),
    frozen_states=(S.CLOSED,),
)

registry.declare(RecordType("security_incident", _("Information security incident"), SERVICE_DEPT, "SP-SEC",
                            spec="SP-4.5.5"))
registry.bind("security_incident", "security.SecurityIncident", INCIDENT_WORKFLOW,
              scope={"contract": "contract", "customer": "contract__customer"})

# Who writes: the Service Department (drafts, monitors, verifies), the director, the PM (the solution).
WRITERS = {R.TSD_DIRECTOR, R.SERVICE_MANAGER, R.SERVICE_STAFF, R.PROJECT_MANAGER}
DEPARTMENT = {R.SERVICE_MANAGER, R.SERVICE_STAFF}
SETTINGS_EDITORS = {R.TSD_DIRECTOR, R.ADMIN}
declare({
    # Every company role may hold the view right; the model's restrict_rows keeps only the people concerned.
    "security.securityincident": {
        "view": READ_ALL, "add": WRITERS, "change": WRITERS, "delete": {R.SERVICE_MANAGER},
        "report": WRITERS, "acknowledge": STAFF, "draw_up": WRITERS,
        "approve_solution": {R.TSD_DIRECTOR, R.SERVICE_MANAGER}, "return_solution": {R.TSD_DIRECTOR, R.SERVICE_MANAGER},
        "implement": WRITERS, "verify": DEPARTMENT, "close": {R.SERVICE_MANAGER, R.TSD_DIRECTOR}},
    "security.incidenttask": {"view": READ_ALL, "add": WRITERS, "change": WRITERS, "delete": WRITERS},
    "security.securitysettings": {"view": SETTINGS_EDITORS | {R.SERVICE_MANAGER, R.AUDITOR},
                                  "add": SETTINGS_EDITORS, "change": SETTINGS_EDITORS, "delete": frozenset()},
    "security.escalationstep": {"view": SETTINGS_EDITORS | {R.SERVICE_MANAGER, R.AUDITOR},
                                "add": SETTINGS_EDITORS, "change": SETTINGS_EDITORS, "delete": SETTINGS_EDITORS},
})
navigation.add("monitoring", _("Security incidents"), "security:securityincident_list", "security.securityincident",
               roles={R.TSD_DIRECTOR, R.AUDITOR})  # the others are led to an incident by their work queue
navigation.add("monitoring", _("Security settings"), "security:settings", "security.securitysettings",
               roles={R.TSD_DIRECTOR})
