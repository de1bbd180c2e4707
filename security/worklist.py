"""Work-queue sources of information security incidents (core.worklist).

The acknowledgement is urgent (Kind.URGENT: first on the home page, e-mailed at once): the director's item from the
moment the incident is reported, and each person of the escalation chain their own item once the escalation reaches
them. The escalation itself is checked here (`services.escalate_due`), so it runs with every reminder run
(SERVPLAN_REMINDER_CRON, and at once after every transition) and whenever a work queue is read; it is idempotent.
"""

from django.utils.translation import gettext as _t

from core.worklist import Item, Kind, register

from .choices import IncidentStatus as S
from .models import SecurityIncident


def _what(incident):
    return f"{incident.number} · {incident.title}"


@register
def acknowledgements(user, today):
    from . import services

    reported = SecurityIncident.objects.filter(status=S.REPORTED)
    if not reported.exists():  # the usual case: one query per work queue read, nothing to escalate
        return
    services.escalate_due()
    config = services.settings_record()
    waiting = list(reported.order_by("reported_at", "pk")[:100])
    is_director = user.pk in {u.pk for u in services.directors(config)}
    people = services.chain(config)
    for incident in waiting:
        if is_director:
            yield Item(f"security_ack:{incident.pk}", Kind.URGENT,
                       _t("Acknowledge the information security incident %(what)s") % {"what": _what(incident)},
                       incident.get_absolute_url(), record=incident)
        for position, person in enumerate(people[:incident.escalation_level], start=1):
            if person.pk == user.pk:
                yield Item(f"security_ack:{incident.pk}:escalated:{position}", Kind.URGENT,
                           _t("Escalated to you: acknowledge the information security incident %(what)s")
                           % {"what": _what(incident)}, incident.get_absolute_url(), record=incident)


@register
def incident_steps(user, today):
    """The next step of each incident the user may see and take: the solution to draw up (the PM named on it, or
    the PM of its contract's project), to approve (director, Service Department manager), the tasks the user owns,
    the verification (Service Department manager)."""
    visible = SecurityIncident.objects.restrict(user, "view")
    roles = user.own_roles
    from core.roles import Role

    for incident in visible.filter(status=S.ACKNOWLEDGED).filter(project_manager=user)[:50]:
        yield Item(f"security_solution:{incident.pk}", Kind.WRITE,
                   _t("Draw up the solution of the security incident %(what)s") % {"what": _what(incident)},
                   incident.get_absolute_url(), record=incident)
    if roles & {Role.TSD_DIRECTOR, Role.SERVICE_MANAGER}:
        for incident in visible.filter(status=S.SOLUTION_DRAWN_UP)[:50]:
            yield Item(f"security_approve:{incident.pk}", Kind.APPROVE,
                       _t("Approve the solution of the security incident %(what)s") % {"what": _what(incident)},
                       incident.get_absolute_url(), record=incident)
    if Role.SERVICE_MANAGER in roles:
        for incident in visible.filter(status=S.IMPLEMENTING).exclude(tasks__done=False)[:50]:
            yield Item(f"security_verify:{incident.pk}", Kind.WRITE,
                       _t("Verify the solution of the security incident %(what)s") % {"what": _what(incident)},
                       incident.get_absolute_url(), record=incident)
    for task in visible.filter(status__in=(S.SOLUTION_APPROVED, S.IMPLEMENTING), tasks__owner=user,
                               tasks__done=False).values("pk", "number", "title", "tasks__pk", "tasks__description",
                                                         "tasks__due")[:100]:
        yield Item(f"security_task:{task['tasks__pk']}", Kind.DUE if task["tasks__due"] else Kind.WRITE,
                   _t("Security incident %(number)s: %(task)s") % {"number": task["number"],
                                                                  "task": task["tasks__description"]},
                   SecurityIncident(pk=task["pk"]).get_absolute_url(), due=task["tasks__due"])
