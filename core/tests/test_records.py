"""Controlled records: numbering, versioning, uploads, bad input, register, query budgets."""

import io
import subprocess
import sys
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import audit, records
from core.models import Attachment, AuditEntry, NumberingScheme, RecordIndex
from core.registry import registry
from core.tests.factories import approved_procedure, procedure
from customers.models import Customer
from documents.models import ProcedureDocument

pytestmark = pytest.mark.django_db


def test_numbers_follow_the_configured_scheme(demo):
    scheme = NumberingScheme.objects.get(record_type="procedure_document")
    before = audit.snapshot(scheme)
    scheme.pattern = "{prefix}/{year}/{seq:03d}"
    records.update(scheme, demo["admin"], before)
    document = procedure(demo["svc_staff"])
    year = document.created.year
    assert document.number.startswith(f"SP-PROC/{year}/")
    following = procedure(demo["svc_staff"])
    assert int(following.number.rsplit("/", 1)[1]) == int(document.number.rsplit("/", 1)[1]) + 1


def test_bad_numbering_pattern_is_refused_naming_the_field(client_for):
    response = client_for("admin").post("/numberingscheme/add/", {
        "record_type": "project_plan", "prefix": "X", "pattern": "{prefix}-{month}"})
    assert response.status_code == 200
    assert "pattern" in response.context["form"].errors


def test_editing_an_approved_record_makes_version_2_and_keeps_version_1(demo):
    v1 = approved_procedure(demo["svc_staff"], demo["svc_manager"], title="服务策划管理程序")
    v1_state = audit.snapshot(v1)
    v2 = records.new_version(v1, demo["svc_staff"], comment="年度修订")
    before = audit.snapshot(v2)
    v2.title = "服务策划管理程序（2027修订）"
    v2.change_note = "增加调休日历要求"
    records.update(v2, demo["svc_staff"], before)
    v1.refresh_from_db()
    assert audit.snapshot(v1) == v1_state
    assert (v2.number, v2.version, v2.predecessor_id) == (v1.number, 2, v1.pk)
    assert [v.version for v in v1.versions()] == [2, 1]
    latest = RecordIndex.objects.get(number=v1.number, is_latest=True)
    assert latest.version == 2
    with pytest.raises(Exception, match="cannot be edited"):
        before = audit.snapshot(v1)
        v1.title = "直接改已批准版本"
        records.update(v1, demo["svc_staff"], before)


def test_approved_record_edit_page_redirects_and_offers_a_new_version(client_for, demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    client = client_for("svc_staff")
    assert client.get(f"/documents/proceduredocument/{document.pk}/edit/").status_code == 302
    response = client.post(f"/documents/proceduredocument/{document.pk}/new-version/")
    draft = ProcedureDocument.objects.get(predecessor=document)
    assert response["Location"] == draft.get_absolute_url()


def test_approved_record_cannot_be_deleted(demo):
    document = approved_procedure(demo["svc_staff"], demo["svc_manager"])
    with pytest.raises(Exception, match="Only a draft"):
        records.delete(document, demo["svc_staff"])
    assert ProcedureDocument.objects.filter(pk=document.pk).exists()


def test_register_lists_the_eleven_spec_types_even_when_empty(client_for):
    response = client_for("auditor").get("/register/")
    types = [t for t, _n in response.context["record_types"] if t.in_spec_register]
    assert len(types) == 11
    content = response.content.decode()
    for record_type in types:
        assert str(record_type.label) in content and str(record_type.drafted_by) in content


def test_register_filters(client_for, demo):
    approved_procedure(demo["svc_staff"], demo["svc_manager"], title="登记册过滤测试")
    procedure(demo["svc_staff"], title="草稿文件")
    client = client_for("auditor")
    rows = client.get("/register/?status=approved&record_type=procedure_document").context["table"].data
    assert {r.title for r in rows} >= {"登记册过滤测试"} and "草稿文件" not in {r.title for r in rows}
    rows = client.get("/register/?q=草稿").context["table"].data
    assert [r.title for r in rows] == ["草稿文件"]


# ---- uploads and bad input ------------------------------------------------------------------

def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


@pytest.mark.parametrize("name,content,ok", [
    ("scan.pdf", b"%PDF-1.7\n...", True),
    ("contract.docx", None, True),
    ("notes.txt", "服务级别说明".encode(), True),
    ("evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00", False),
    ("fake.png", b"<html><script>alert(1)</script>", False),
    ("tool.exe", b"MZ\x90\x00", False),
    ("fake.docx", b"PK\x03\x04 not really a docx", False),
])
def test_uploads_are_checked_by_content(client_for, demo, name, content, ok):
    document = procedure(demo["svc_staff"])
    client = client_for("svc_staff")
    entries = AuditEntry.objects.count()
    upload = SimpleUploadedFile(name, content if content is not None else _docx_bytes())
    response = client.post(f"/documents/proceduredocument/{document.pk}/attach/", {"file": upload},
                                            follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert Attachment.objects.filter(content_type__model="proceduredocument", object_id=document.pk).exists() == ok
    if not ok:
        assert any(name in m for m in messages), messages
        assert AuditEntry.objects.count() == entries


def test_oversize_upload_is_refused(client_for, demo, settings):
    settings.SERVPLAN_UPLOAD_MAX_BYTES = 1024
    document = procedure(demo["svc_staff"])
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 4096)
    response = client_for("svc_staff").post(f"/documents/proceduredocument/{document.pk}/attach/", {"file": upload},
                                            follow=True)
    assert any("big.pdf" in str(m) and "limit" in str(m) for m in response.context["messages"])
    assert not Attachment.objects.filter(content_type__model="proceduredocument", object_id=document.pk).exists()


def test_attachment_download_needs_view_rights(client_for, demo):
    document = procedure(demo["svc_staff"])
    client_for("svc_staff").post(f"/documents/proceduredocument/{document.pk}/attach/",
                                 {"file": SimpleUploadedFile("a.txt", b"hello")})
    attachment = Attachment.objects.get(content_type__model="proceduredocument", object_id=document.pk)
    assert client_for("auditor").get(f"/attachments/{attachment.pk}/").status_code == 200


def test_form_error_names_the_field_and_writes_nothing(client_for, demo):
    client = client_for("svc_staff")
    entries, documents = AuditEntry.objects.count(), ProcedureDocument.objects.count()
    response = client.post("/documents/proceduredocument/add/", {
        "title": "", "kind": "procedure", "owner_department": demo["svc_staff"].department_id,
        "confidentiality": "internal", "retention_years": "five"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "retention_years"}
    html = response.content.decode()
    assert 'data-field="title"' in html and 'data-field="retention_years"' in html
    assert (AuditEntry.objects.count(), ProcedureDocument.objects.count()) == (entries, documents)


def test_api_bad_input_names_the_field(client_for, demo):
    response = client_for("svc_staff").post("/api/documents/procedures/", {"title": "x" * 300, "kind": "nope"},
                                            content_type="application/json")
    assert response.status_code == 400
    assert {"title", "kind", "owner_department"} <= set(response.json())


def test_api_create_edit_transition_flow(client_for, demo):
    staff, manager = client_for("svc_staff"), client_for("svc_manager")
    created = staff.post("/api/documents/procedures/", {
        "title": "API 程序文件", "kind": "procedure", "owner_department": demo["svc_staff"].department_id},
        content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("SP-PROC-") and body["version"] == 1 and body["status"] == "draft"
    url = f"/api/documents/procedures/{body['id']}/"
    stale = staff.patch(url, {"title": "改", "lock_version": body["lock_version"] + 5}, content_type="application/json")
    assert stale.status_code == 400
    assert staff.patch(url, {"title": "改好了", "lock_version": body["lock_version"]},
                       content_type="application/json").status_code == 200
    assert staff.post(url + "transition/", {"transition": "submit"}, content_type="application/json").json()["done"]
    # The reviewer decides; only the submitter may withdraw (issue 11).
    assert [t["transition"] for t in manager.get(url + "transitions/").json()] == ["approve", "return"]
    assert "withdraw" in [t["transition"] for t in staff.get(url + "transitions/").json()]
    conflict = manager.post(url + "transition/", {"transition": "submit"}, content_type="application/json")
    assert conflict.status_code == 409
    assert manager.post(url + "transition/", {"transition": "approve"},
                        content_type="application/json").json()["status"] == "approved"
    version2 = staff.post(url + "new-version/", content_type="application/json")
    assert version2.status_code == 201 and version2.json()["version"] == 2


# ---- query budgets --------------------------------------------------------------------------

def _make_documents(author, n):
    for i in range(n):
        records.create(ProcedureDocument(title=f"文件{i}", owner_department=author.department), author)


def _make_customers(user, n):
    for i in range(n):
        records.create(Customer(code=f"c{i}-{Customer.objects.count()}", name=f"客户{i}"), user)


@pytest.mark.parametrize("page,api,maker", [
    ("/documents/proceduredocument/?per_page=500", "/api/documents/procedures/?limit=500", _make_documents),
    ("/customers/customer/?per_page=500", "/api/customers/?limit=500", _make_customers),
    ("/register/?per_page=500", "/api/register/?limit=500", _make_documents),
    ("/audit/?per_page=500", "/api/audit/?limit=500", _make_documents),
    ("/org/user/?per_page=500", "/api/org/users/?limit=500", None),
])
def test_list_query_count_does_not_grow_with_rows(client_for, demo, page, api, maker, queries_of):
    client = client_for("admin")
    maker = maker or (lambda user, n: [records.create(type(user)(username=f"u{i}-{n}", department=user.department,
                                                                 password="!unusable"), user) for i in range(n)])
    maker(demo["svc_staff"] if maker is _make_documents else demo["admin"], 10)
    small = (queries_of(client, page), queries_of(client, api))
    maker(demo["svc_staff"] if maker is _make_documents else demo["admin"], 190)
    large = (queries_of(client, page), queries_of(client, api))
    assert large == small, f"queries grew with rows: {small} -> {large}"


def test_every_spec_type_is_declared_once():
    codes = [t.code for t in registry if t.in_spec_register]
    assert len(codes) == len(set(codes)) == 11


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "servplan.settings", "SERVPLAN_HTTPS": "true",
           "SERVPLAN_SECRET_KEY": "k" * 64 + "-production-secret-not-for-real-use", "SERVPLAN_VAR_DIR": str(tmp_path),
           "SERVPLAN_ALLOWED_HOSTS": "servplan.example.com"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_headers_and_argon2(client_for, settings):
    response = client_for("svc_staff").get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "Argon2PasswordHasher" in " ".join(settings.PASSWORD_HASHERS)
