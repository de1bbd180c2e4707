"""Decisions on information security incidents (SP-4.5.5), shared by pages, API, the import hook and tests.

Opening: `open_incident` (once per ticket: the ticket's row is locked and an incident already linking it wins),
created and reported through the workflow so the director's urgent item is told at once. Marking: `mark_by_hand`,
and `apply_rules` on `servicedata.signals.tickets_imported` (the import's security column, the keyword rules).
Escalation: `escalate_due` raises an unacknowledged incident's escalation level one step per acknowledgement period
past its report, with a guarded update, so each step is recorded once however often the reminder job runs.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records, workflow
from core.choices import AuditAction
from core.permissions import allowed
from core.roles import Role
from servicedata.models import Ticket

from .choices import OPEN_STATES, Detection, IncidentStatus, Severity
from .models import IncidentTask, SecurityIncident, SecuritySettings

logger = logging.getLogger(__name__)
CHUNK = 500


# ---- who ---------------------------------------------------------------------------------------------------

def settings_record():
    return SecuritySettings.current()


def directors(config=None):
    """Who is told first: the director named in the settings, else every active holder of the director's role."""
    config = config or settings_record()
    if config.director_id and config.director.is_active:
        return [config.director]
    return list(get_user_model().objects.holding({Role.TSD_DIRECTOR}).order_by("pk"))


def chain(config=None):
    """The people named after the director, in order."""
    config = config or settings_record()
    return [step.person for step in config.chain.select_related("person").order_by("position", "pk")]


def reached(incident, config=None):
    """The people of the chain the escalation reached so far."""
    return chain(config)[:incident.escalation_level]


def may_acknowledge(incident, user):
    if user is None:
        return False
    config = settings_record()
    if Role.TSD_DIRECTOR in user.own_roles or user.pk in {u.pk for u in directors(config)}:
        return True
    return user.pk in {u.pk for u in reached(incident, config)}


# ---- opening -----------------------------------------------------------------------------------------------

def incident_of(ticket):
    return SecurityIncident.objects.filter(tickets=ticket).order_by("pk").first()


def _actor(user):
    """Who writes an incident opened for `user`: themselves when their role may, else the director (an import by a
    connector account still opens it)."""
    if user is not None and getattr(user, "is_authenticated", False) and allowed(user, SecurityIncident, "add") \
            and allowed(user, SecurityIncident, "report"):
        return user
    return next(iter(directors()), None)


def default_title(ticket):
    return _t("Information security: ticket %(ticket)s") % {"ticket": ticket.external_id} + \
        (f" · {ticket.summary}"[:150] if ticket.summary else "")


def open_incident(ticket, detection, user, *, keyword="", severity=Severity.MEDIUM, description=""):
    """Mark the ticket and open its incident (created, then reported), once per ticket. Returns the new incident,
    or None when the ticket has one already (or nobody may open it)."""
    actor = _actor(user)
    if actor is None:
        logger.warning("no Technical Service Division director to open a security incident for ticket %s", ticket.pk)
        return None
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().select_related("contract").get(pk=ticket.pk)
        Ticket.objects.filter(pk=locked.pk, security=False).update(security=True)
        if incident_of(locked) is not None:
            return None
        incident = SecurityIncident(
            contract=locked.contract, title=default_title(locked)[:200], detection=detection, keyword=keyword[:100],
            detected_by=user if detection == Detection.BY_HAND else None, severity=severity,
            description=description or locked.summary, owner_department=actor.department or _service_department())
        records.create(incident, actor)
        incident.tickets.add(locked)
        if user is not None and detection == Detection.BY_HAND and user.pk != actor.pk:
            incident.members.add(user)
        workflow.fire(incident, "report", actor, comment=display.message(_detected_note(detection), keyword=keyword))
    incident.refresh_from_db()
    return incident


def _detected_note(detection):
    return {Detection.KEYWORD: gettext_noop("Opened by the keyword rule “%(keyword)s”."),
            Detection.IMPORT_COLUMN: gettext_noop("Opened by the security column of the ticket import."),
            }.get(detection, gettext_noop("Marked as information security by hand."))


def _service_department():
    from org.models import Department

    return Department.objects.order_by("pk").first()


def mark_by_hand(ticket, user, *, severity=Severity.MEDIUM, description=""):
    """“Mark as information security” on a ticket: the user must see the ticket and may open incidents."""
    if not Ticket.objects.restrict(user, "view").filter(pk=ticket.pk).exists() \
            or not allowed(user, SecurityIncident, "add"):
        raise PermissionDenied(_t("Your role may not mark tickets as information security."))
    existing = incident_of(ticket)
    if existing is not None:
        return existing, False
    return open_incident(ticket, Detection.BY_HAND, user, severity=severity, description=description), True


def matching_keyword(ticket, keywords):
    text = " ".join((ticket.summary or "", ticket.category or "", ticket.configuration_item or "")).casefold()
    return next((word for word in keywords if word.casefold() in text), None)


def apply_rules(contract, since=None, flagged_ids=(), user=None):
    """The company's rules on what an import wrote: the security column (if honoured) on the tickets it flagged,
    then the keywords on the contract's tickets updated `since` the import started (None: no keyword pass).
    Returns the incidents opened."""
    config = settings_record()
    opened = []
    if config.honour_import_column:
        flagged = list(flagged_ids)
        for start in range(0, len(flagged), CHUNK):
            for ticket in _unlinked(Q(pk__in=flagged[start:start + CHUNK])):
                opened.append(open_incident(ticket, Detection.IMPORT_COLUMN, user))
    keywords = config.keyword_list()
    if keywords and since is not None:
        match = Q()
        for word in keywords:
            match |= Q(summary__icontains=word) | Q(category__icontains=word) | Q(configuration_item__icontains=word)
        for ticket in list(_unlinked(Q(contract=contract, updated__gte=since) & match)):
            word = matching_keyword(ticket, keywords)
            if word:
                opened.append(open_incident(ticket, Detection.KEYWORD, user, keyword=word))
    return [incident for incident in opened if incident is not None]


def _unlinked(where):
    """Tickets matching `where` that no incident names yet."""
    return Ticket.objects.filter(where).exclude(security_incidents__isnull=False).order_by("pk")


def on_tickets_imported(sender, contract, since=None, flagged_ids=(), user=None, **kwargs):
    """servicedata.signals.tickets_imported: after the import committed. A failure here never undoes the import."""
    try:
        apply_rules(contract, since, flagged_ids, user)
    except Exception:
        logger.exception("security rules failed on an import into contract %s", contract.pk)


# ---- workflow effects ----------------------------------------------------------------------------------------

def on_reported(incident, user):
    SecurityIncident.objects.filter(pk=incident.pk).update(reported_at=timezone.now(), escalation_level=0)


def on_acknowledged(incident, user):
    SecurityIncident.objects.filter(pk=incident.pk).update(acknowledged_at=timezone.now(), acknowledged_by=user)


def on_verified(incident, user):
    SecurityIncident.objects.filter(pk=incident.pk, verified_on__isnull=True).update(verified_on=timezone.localdate())
    SecurityIncident.objects.filter(pk=incident.pk, verified_by__isnull=True).update(verified_by=user)


def open_tasks(incident):
    return IncidentTask.objects.filter(incident=incident, done=False)


# ---- acknowledgement and escalation ---------------------------------------------------------------------------

def acknowledge_deadline(incident, config=None, level=None):
    """When the current (or given) escalation level's acknowledgement time runs out."""
    config = config or settings_record()
    level = incident.escalation_level if level is None else level
    return incident.reported_at + timedelta(minutes=config.acknowledge_minutes) * (level + 1)


def escalate_due(now=None):
    """Escalate every reported, unacknowledged incident whose acknowledgement time ran out: the next person of the
    chain is added to it and told (their urgent work-queue item); the step is recorded in the audit trail. Each
    step happens once: the level is raised by an UPDATE guarded on its previous value. Runs with the reminder job
    (the work-queue source calls it). Returns how many steps were taken."""
    now = now or timezone.now()
    config = settings_record()
    people = chain(config)
    if not people:
        return 0
    period = timedelta(minutes=max(config.acknowledge_minutes, 1))
    steps = 0
    waiting = SecurityIncident.objects.filter(status=IncidentStatus.REPORTED, reported_at__isnull=False,
                                              reported_at__lte=now - period, escalation_level__lt=len(people))
    for incident in waiting:
        due_level = min(int((now - incident.reported_at) / period), len(people))
        for level in range(incident.escalation_level, due_level):
            steps += _escalate(incident, level, people[level], config)
    return steps


def _escalate(incident, level, person, config):
    with transaction.atomic():
        if not SecurityIncident.objects.filter(pk=incident.pk, status=IncidentStatus.REPORTED,
                                               escalation_level=level).update(escalation_level=level + 1):
            return 0  # another run took this step
        incident.refresh_from_db()
        incident.members.add(person)
        audit.record_entry(
            AuditAction.UPDATE, incident, changes={"escalation_level": [level, level + 1], "escalated_to": [None,
                                                                                                        person.pk]},
            # The reminder job acts, not whoever's request or task happens to run it: no user (AnonymousUser).
            snap=audit.snapshot(incident), user=AnonymousUser(),
            comment=display.message(gettext_noop("Escalated to %(person)s: not acknowledged within %(minutes)s "
                                                 "minutes."), person=person,
                                    minutes=config.acknowledge_minutes * (level + 1)))
    return 1


# ---- reading -------------------------------------------------------------------------------------------------

def open_incidents(contracts=None):
    rows = SecurityIncident.objects.filter(status__in=OPEN_STATES)
    return rows.filter(contract__in=contracts) if contracts is not None else rows


def timeline(incident):
    """Every step, oldest first: created, each transition (reported, acknowledged, ...), each escalation, with who,
    when and the comment (in the reader's language). From the transition log and the audit trail."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEntry, TransitionLog

    ct = ContentType.objects.get_for_model(incident)
    workflow_of = type(incident).record_type().workflow
    steps = [{"at": incident.created, "who": str(incident.author), "what": _t("Opened"), "comment": ""}]
    for log in TransitionLog.objects.filter(content_type=ct, object_id=incident.pk).select_related("user"):
        try:
            label = str(workflow_of.transition(log.transition).label)
        except ValidationError:  # a transition no longer declared reads as its code
            label = log.transition
        steps.append({"at": log.at, "who": str(log.user or _t("ServPlan")), "what": label,
                      "comment": display.readable(log.comment)})
    for entry in AuditEntry.objects.filter(content_type=ct, object_id=str(incident.pk),
                                           changes__has_key="escalated_to").order_by("seq"):
        steps.append({"at": entry.at, "who": _t("ServPlan (reminder job)"), "what": _t("Escalated"),
                      "comment": display.readable(entry.comment)})
    return sorted(steps, key=lambda step: step["at"])


def acknowledged_after(incident):
    """Minutes from report to acknowledgement (None while not acknowledged)."""
    if incident.reported_at and incident.acknowledged_at:
        return int((incident.acknowledged_at - incident.reported_at).total_seconds() // 60)
    return None
