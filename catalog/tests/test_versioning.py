"""Catalogue changes are controlled records: a tier is revised as a new version, approved, and audited."""

from django.contrib.contenttypes.models import ContentType

from core import audit, records
from core.choices import RecordStatus
from core.context import acting_as
from core.models import AuditEntry, RecordIndex

from ..choices import Priority
from ..models import Calendar, PriorityTarget, ServiceTier, SkillRequirement
from . import helpers


def test_editing_an_approved_tier_makes_v2_with_copied_rows_and_keeps_v1(demo):
    staff, manager = demo["svc_staff"], demo["svc_manager"]
    svc = helpers.service(demo["admin"])
    draft = helpers.tier(staff, svc, Calendar.objects.get(name="7x24"))
    with acting_as(staff):
        records.create(SkillRequirement(tier=draft, skill="Linux 系统管理", headcount=2), staff)
    v1 = helpers.approve(draft, staff, manager)
    with acting_as(staff):
        v2 = records.new_version(v1, staff, comment="调整 P1")
    assert (v2.number, v2.version, v2.status, v2.predecessor_id) == (v1.number, 2, RecordStatus.DRAFT, v1.pk)
    copied = {t.priority: (t.response_minutes, t.resolution_minutes, t.target_percent)
              for t in v2.priority_targets.all()}
    original = {t.priority: (t.response_minutes, t.resolution_minutes, t.target_percent)
                for t in v1.priority_targets.all()}
    assert copied == original and len(copied) == 4
    assert list(v2.skills.values_list("skill", "headcount")) == [("Linux 系统管理", 2)]
    assert not set(v2.priority_targets.values_list("pk", flat=True)) & set(
        v1.priority_targets.values_list("pk", flat=True))

    row = v2.priority_targets.get(priority=Priority.P1)
    before = audit.snapshot(row)
    row.response_minutes = 10
    with acting_as(staff):
        records.update(row, staff, before)
    assert v1.priority_targets.get(priority=Priority.P1).response_minutes == 30  # v1 intact

    helpers.approve(v2, staff, manager)
    v1.refresh_from_db()
    assert v1.status == RecordStatus.SUPERSEDED
    assert list(ServiceTier.objects.in_force().filter(number=v1.number)) == [v2]
    assert v2.targets()[Priority.P1].response_seconds == 600
    assert RecordIndex.objects.get(number=v1.number, is_latest=True).version == 2


def test_copied_rows_and_row_edits_are_audited(demo):
    staff, manager = demo["svc_staff"], demo["svc_manager"]
    svc = helpers.service(demo["admin"])
    v1 = helpers.approve(helpers.tier(staff, svc, Calendar.objects.get(name="7x24")), staff, manager)
    with acting_as(staff):
        v2 = records.new_version(v1, staff)
    ct = ContentType.objects.get_for_model(PriorityTarget)
    ids = [str(pk) for pk in v2.priority_targets.values_list("pk", flat=True)]
    assert AuditEntry.objects.filter(content_type=ct, object_id__in=ids, action="create").count() == 4
    from core.audit import verify_chain

    assert list(verify_chain()) == []


def test_tier_number_uses_the_sp_slt_prefix(demo):
    t = ServiceTier.objects.in_force().first()
    assert t.number.startswith("SP-SLT-")
    assert t.record_type().code == "service_tier"


def test_tier_exports_as_docx_and_pdf(client_for, demo):
    tier = ServiceTier.objects.in_force().get(service__code="server", name="金")
    client = client_for("auditor")
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(f"/catalog/servicetier/{tier.pk}/export/?format={fmt}")
        assert response.status_code == 200 and response.content.startswith(magic), fmt
    from core.exporting import build_document

    document = build_document(tier, language="en")
    assert [s.heading for s in document.sections][:2] == ["Service and service window", "Targets per priority"]
    assert document.sections[1].tables[0].rows[0][:2] == ["P1 – critical", "15 min"]
