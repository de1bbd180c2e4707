"""IMP-1: an improvement open or in progress past its due date; the demo's are all in time or implemented."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import audit, compliance, records, workflow
from core.compliance import CheckScope
from core.context import acting_as
from core.display import readable
from improvement import services
from improvement.choices import MeasureKind, SourceKind
from improvement.models import Improvement

pytestmark = pytest.mark.django_db


def found(today=None, contracts=None):
    scope = CheckScope(today or timezone.localdate(), contracts)
    return {v.obj.pk: v for v in compliance.get("IMP-1").find(scope)}


def test_the_demo_has_no_improvement_overdue(demo):
    assert found() == {}


def test_an_improvement_past_its_due_date_is_found_until_implemented(demo):
    staff, pm = demo["svc_staff"], demo["pm"]
    with acting_as(staff):
        improvement = services.create(Improvement(
            title="知识库条目补齐", owner=pm, owner_department=staff.department, source_kind=SourceKind.OTHER,
            source_reference="服务部周会", measure=MeasureKind.RESPONSE,
            due_date=timezone.localdate() + timedelta(days=5), plan="逐类补齐知识库条目。"), staff)
        workflow.fire(improvement, "start", staff, "开始实施")
    assert improvement.pk not in found()
    later = timezone.localdate() + timedelta(days=6)
    assert "not implemented" in readable(found(later)[improvement.pk].message)
    with acting_as(pm):
        improvement.refresh_from_db()
        before = audit.snapshot(improvement)
        improvement.implemented_on = timezone.localdate()
        records.update(improvement, pm, before)
        workflow.fire(improvement, "implement", pm, "已完成")
    assert improvement.pk not in found(later)
