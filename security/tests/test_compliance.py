"""SEC-1: an information security incident acknowledged after its deadline, or unacknowledged past the time of the
whole escalation chain. The deadline is the security app's (acknowledgement time, one more period per escalation
step reached): the demo's incident escalated to the general manager and acknowledged by him in his time is not
late, nor is its closed one acknowledged at once."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import compliance, records, workflow
from core.compliance import CheckScope
from core.context import acting_as
from core.display import readable
from core.models import TransitionLog
from security.models import SecurityIncident
from security.services import escalate_due

pytestmark = pytest.mark.django_db


def found(today=None):
    return {v.obj.pk: v for v in compliance.get("SEC-1").find(CheckScope(today or timezone.localdate()))}


def reported(demo, minutes_ago):
    staff = demo["svc_staff"]
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    with acting_as(staff):
        incident = records.create(SecurityIncident(contract=contract, title="疑似数据泄露",
                                                   owner_department=staff.department), staff)
        workflow.fire(incident, "report", staff)
    # The report came in `minutes_ago` (the passage of time, as the demo's escalated incident is loaded).
    when = timezone.now() - timedelta(minutes=minutes_ago)
    SecurityIncident.objects.filter(pk=incident.pk).update(reported_at=when, created=when)
    TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(incident), object_id=incident.pk,
                                 transition="report").update(at=when)
    escalate_due()
    incident.refresh_from_db()
    return incident


def test_the_demo_incidents_are_acknowledged_in_time(demo):
    assert SecurityIncident.objects.filter(escalation_level__gt=0, acknowledged_by=demo["gm"]).exists()
    assert found() == {}


def test_unacknowledged_past_the_whole_chain_is_found_not_before(demo):
    waiting = reported(demo, 90)  # the director's hour ran out; the general manager's has not
    assert waiting.escalation_level == 1 and waiting.pk not in found()
    late = reported(demo, 180)
    violation = found()[late.pk]
    assert "not acknowledged" in readable(violation.message)
    assert waiting.pk in found(timezone.localdate() + timedelta(days=1)), "checked at a later day's end"


def test_acknowledged_after_the_escalated_deadline_is_found(demo):
    in_time, late = reported(demo, 100), reported(demo, 150)
    for incident in (in_time, late):
        with acting_as(demo["gm"]):
            workflow.fire(incident, "acknowledge", demo["gm"], "已确认")
    result = found()
    assert in_time.pk not in result
    assert "acknowledged at" in readable(result[late.pk].message)
