"""Audit trail: every write is logged, the chain verifies, tampering is found."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import audit, records
from core.models import AuditEntry
from core.tests.factories import approved_procedure, procedure

pytestmark = pytest.mark.django_db


def verify():
    return list(audit.verify_chain())


def test_chain_verifies_and_command_says_ok(demo, capsys):
    approved_procedure(demo["svc_staff"], demo["svc_manager"])
    assert verify() == []
    call_command("verify_audit")
    assert "OK" in capsys.readouterr().out


def test_field_level_before_and_after(demo):
    document = procedure(demo["svc_staff"], title="旧标题")
    before = audit.snapshot(document)
    document.title = "新标题"
    records.update(document, demo["svc_staff"], before)
    entry = audit.history_for(document).last()
    assert entry.action == "update" and entry.changes == {"title": ["旧标题", "新标题"]}
    assert entry.username == "svc_staff"


def test_request_id_and_ip_are_recorded(client_for, demo):
    client = client_for("svc_staff")
    department = demo["svc_staff"].department
    response = client.post("/documents/proceduredocument/add/", {
        "title": "经网页创建", "kind": "procedure", "owner_department": department.pk, "confidentiality": "internal",
        "retention_years": 5}, HTTP_X_REQUEST_ID="req-abc-123", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="create").order_by("-seq").first()
    assert (entry.request_id, entry.ip, entry.username) == ("req-abc-123", "10.1.2.3", "svc_staff")
    assert response["X-Request-ID"] == "req-abc-123"


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_direct_update_of_an_entry_is_detected(demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    target = audit.history_for(document).first()
    _sql("UPDATE core_auditentry SET comment = %s WHERE seq = %s", ["篡改", target.seq])
    problems = verify()
    assert problems and problems[0][0] == target.seq and "altered" in problems[0][1]
    with pytest.raises(CommandError, match=f"#{target.seq}"):
        call_command("verify_audit")


def test_direct_delete_of_an_entry_is_detected(demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    target = audit.history_for(document).first()
    _sql("DELETE FROM core_auditentry WHERE seq = %s", [target.seq])
    problems = verify()
    assert problems and problems[0][0] == target.seq + 1 and "missing" in problems[0][1]


def test_deleting_the_newest_entries_is_detected(demo):
    approved_procedure(demo["svc_staff"], demo["svc_manager"])
    last = AuditEntry.objects.order_by("-seq").first().seq
    _sql("DELETE FROM core_auditentry WHERE seq = %s", [last])
    assert "removed" in verify()[0][1]


def test_deleting_a_records_history_is_detected(demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    ct = ContentType.objects.get_for_model(document)
    _sql("DELETE FROM core_auditentry WHERE content_type_id = %s AND object_id = %s", [ct.pk, str(document.pk)])
    assert verify(), "deleting a record's history must break the chain"


def test_direct_update_of_an_audited_row_is_detected(demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    _sql("UPDATE documents_proceduredocument SET title = %s WHERE id = %s", ["未经审批的修改", document.pk])
    problems = verify()
    assert problems and "changed outside ServPlan" in problems[0][1] and "title" in problems[0][1]


def test_direct_delete_of_an_audited_row_is_detected(demo):
    customer = records.create(type(demo["admin"].department)(code="tmp", name="临时部门", kind="other"), demo["admin"])
    _sql("DELETE FROM org_department WHERE id = %s", [customer.pk])
    assert "deleted outside ServPlan" in verify()[0][1]


def test_login_and_failed_login_are_logged(client, demo, settings):
    client.post("/login/", {"username": "svc_staff", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    failed = AuditEntry.objects.filter(action="login_failed").order_by("-seq").first()
    assert failed.object_repr == "svc_staff" and failed.ip == "10.0.0.9"
    client.post("/login/", {"username": "svc_staff", "password": "servplan-demo"}, REMOTE_ADDR="10.0.0.9")
    assert AuditEntry.objects.filter(action="login", username="svc_staff").exists()


def test_repeated_failed_logins_lock_the_account_for_a_while(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "pm", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    response = client.post("/login/", {"username": "pm", "password": "servplan-demo"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed", object_repr="pm").count() >= settings.AXES_FAILURE_LIMIT


def test_exports_are_logged(client_for, demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    response = client_for("auditor").get(f"/documents/proceduredocument/{document.pk}/export/?format=docx")
    assert response.status_code == 200
    assert audit.history_for(document).last().action == "export"


def test_decimals_and_time_zones_snapshot_as_stored(demo):
    from decimal import Decimal

    from django.db import models

    field = models.DecimalField(max_digits=5, decimal_places=2)
    field.name = field.attname = "x"
    assert audit._as_stored(field, 99) == Decimal("99.00")
    assert audit.to_jsonable(audit._as_stored(field, "99.5")) == "99.50"


def test_cascaded_rows_are_audited_and_protected_rows_refused(demo, monkeypatch):
    from django.core.exceptions import ValidationError

    from core.permissions import MATRIX
    from org.models import RoleAssignment, User

    admin = demo["admin"]
    with pytest.raises(ValidationError, match="cannot be deleted"):
        records.delete(admin.department, admin)  # users and records still belong to it
    monkeypatch.setitem(MATRIX, "org.user", {**MATRIX["org.user"], "delete": frozenset({"admin"})})
    user = records.create(User(username="temp", password="!x", department=admin.department), admin)
    assignment = records.create(RoleAssignment(user=user, role="sales"), admin)
    records.delete(user, admin, comment="离职")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    cascaded = AuditEntry.objects.get(action="delete", object_id=str(assignment.pk),
                                      content_type=ContentType.objects.get_for_model(RoleAssignment))
    assert "temp" in cascaded.comment
    assert verify() == []
