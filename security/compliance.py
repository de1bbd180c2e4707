"""Process-compliance rule of information security incidents (procedure 4.5.5): the director is told at once, and the
incident is acknowledged within its acknowledgement time.

The deadline is the security app's own (`services.acknowledge_deadline`): the acknowledgement time counted from
the report, one more period for each step of the escalation chain the incident reached. An incident acknowledged
by the person the escalation reached, within that person's time, was handled as the procedure says; it is late
when acknowledged after the deadline of the level it reached, or still unacknowledged once the whole chain's time
ran out (the reminder job escalates one step per period, so no later deadline can come).
"""

from datetime import datetime, time, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.compliance import Severity, Violation, rule
from core.display import message

from .choices import IncidentStatus
from .models import SecurityIncident
from .services import acknowledge_deadline, chain, settings_record


def moment_of(today):
    """The check's "now": now when checking today, else the end of the day checked (company time)."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@rule("SEC-1", clause="8.7.3", severity=Severity.MAJOR, sp="SP-4.5.5",
      title=_("Security incident acknowledged late"),
      explanation=_("An information security incident is told at once to the Technical Service Division director "
                    "and acknowledged within the acknowledgement time of the security settings; unacknowledged, it "
                    "escalates to the next person of the chain after each further period (procedure 4.5.5). Found: an "
                    "incident acknowledged after the deadline of the escalation level it reached, or not yet "
                    "acknowledged once the time of the whole chain ran out."))
def acknowledged_late(scope):
    config = settings_record()
    levels = len(chain(config))
    period = timedelta(minutes=config.acknowledge_minutes)
    now = moment_of(scope.today)
    # The earliest deadline of any incident is one period after its report: the database narrows to those past it,
    # the exact deadline of each (its escalation level) is the security app's.
    candidates = scope.narrow(SecurityIncident.objects.filter(reported_at__isnull=False).exclude(
        status__in=(IncidentStatus.DRAFT, IncidentStatus.SUPERSEDED))).filter(
        Q(acknowledged_at__gt=F("reported_at") + period)
        | Q(status=IncidentStatus.REPORTED, reported_at__lt=now - period * (levels + 1))).order_by("pk")
    for incident in candidates:
        if incident.status == IncidentStatus.REPORTED:
            deadline = acknowledge_deadline(incident, config, level=levels)
            if deadline >= now:
                continue
            text = message(gettext_noop("Reported at %(reported)s and not acknowledged; the acknowledgement time "
                                        "ran out at %(deadline)s (escalation level %(level)s)."),
                           reported=_local(incident.reported_at), deadline=_local(deadline),
                           level=incident.escalation_level)
        else:
            deadline = acknowledge_deadline(incident, config)
            if incident.acknowledged_at <= deadline:
                continue
            text = message(gettext_noop("Reported at %(reported)s, acknowledged at %(acknowledged)s: after the "
                                        "deadline %(deadline)s of escalation level %(level)s."),
                           reported=_local(incident.reported_at), acknowledged=_local(incident.acknowledged_at),
                           deadline=_local(deadline), level=incident.escalation_level)
        yield Violation(incident, text, occurred=timezone.localtime(deadline).date())
