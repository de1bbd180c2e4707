"""Issue 2 in a real browser: a procedure document from draft to approved, the register, languages, bad input.

Screenshots taken here illustrate docs/guide/01-platform.md.
"""

import re

import pytest
from django.utils import translation

from .conftest import login, logout, shot

pytestmark = pytest.mark.browser

ADD_URL = "/documents/proceduredocument/add/"
TITLE = "事件管理程序"


PAGE_SIZE = 25  # rows on one page of a list

def translated(text, language):
    with translation.override(language):
        return str(text)


def approved_label(language):
    from core.choices import RecordStatus

    return translated(RecordStatus.APPROVED.label, language)


def register_heading(language):
    return translated(translation.gettext_lazy("Record register"), language)


def create_document(page, live_server, title=TITLE, screenshot=None):
    """Fill in the add form as the signed-in user and save; returns the new record's number."""
    page.goto(f"{live_server.url}{ADD_URL}")
    page.fill("#id_title", title)
    page.fill("#id_purpose", "规范事件的记录、分类、处理与关闭，确保服务在约定时间内恢复。")
    page.fill("#id_scope", "适用于服务部受理的全部客户事件。")
    page.fill("#id_body", "1 事件受理\n2 分类与优先级\n3 处理与升级\n4 关闭与回访")
    page.fill("#id_references", "ISO/IEC 20000-1:2018 8.6.1\n服务策划管理程序")
    page.fill("#id_change_note", "首次发布")
    if screenshot:
        shot(page, screenshot)
    page.click("#save-button")
    page.wait_for_url(re.compile(r"/documents/proceduredocument/\d+/$"))
    return page.locator("#record-number").inner_text().strip()


def register_rows(page, live_server, number):
    page.goto(f"{live_server.url}/register/?q={number}")
    return page.locator("#object-table tbody tr", has_text=number)


def test_document_from_draft_to_approved_in_register_and_english(page, live_server, demo):
    from documents.models import ProcedureDocument

    # Service Department staff drafts the document and submits it.
    response = page.goto(f"{live_server.url}/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"], "pages run under a strict CSP"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", "svc_staff")
    shot(page, "platform-01-login")
    login(page, live_server, "svc_staff")

    number = create_document(page, live_server, screenshot="platform-03-document-form")
    assert re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", number), number
    page.locator("#transition-submit").click()
    page.wait_for_load_state()
    document = ProcedureDocument.objects.get(number=number)
    assert document.status == "in_review" and document.author.username == "svc_staff"
    assert page.locator("#record-status").inner_text().strip() == document.get_status_display()
    assert page.locator("#transition-approve").count() == 0, "the author must not see Approve"
    shot(page, "platform-04-document-detail")
    logout(page)

    # The Service Department manager finds it on the dashboard and approves it.
    login(page, live_server, "svc_manager")
    pending = page.locator("#pending-approvals li", has_text=number)
    assert pending.count() == 1, page.locator("#pending-approvals").inner_text()
    shot(page, "platform-02-dashboard")
    pending.locator("a").click()
    page.wait_for_url(re.compile(rf"/documents/proceduredocument/{document.pk}/$"))
    page.fill("#transition-comment", "同意发布。")
    page.locator("#transition-approve").click()
    page.wait_for_load_state()
    assert page.locator("#record-status").inner_text().strip() == approved_label("zh-hans")
    assert page.locator("#record-number").inner_text().strip() == number
    assert page.locator("#transition-log", has_text="同意发布。").count() == 1
    document.refresh_from_db()
    assert document.status == "approved" and document.approved_at is not None
    shot(page, "platform-05-approved")

    # The Record Register lists it, approved, under its number.
    row = register_rows(page, live_server, number)
    assert row.count() == 1
    assert approved_label("zh-hans") in row.inner_text()
    assert page.locator("h1").inner_text().strip() == register_heading("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "platform-06-register")

    # The language switch in the navbar: same page, now in English.
    page.select_option("#language-select", "en")
    page.locator("#language-submit").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith(f"/register/?q={number}")
    assert page.locator("h1").inner_text().strip() == "Record register"
    row = page.locator("#object-table tbody tr", has_text=number)
    assert row.count() == 1 and "Approved" in row.inner_text()
    shot(page, "platform-07-english")


def test_form_error_names_the_field_and_writes_nothing(page, live_server, demo):
    from core.models import AuditEntry, RecordIndex
    from documents.models import ProcedureDocument

    login(page, live_server, "svc_staff")
    rows_before, audit_before = RecordIndex.objects.count(), AuditEntry.objects.count()
    page.goto(f"{live_server.url}{ADD_URL}")
    label = page.locator("label[for='id_title']").inner_text().replace("*", "").strip()
    page.fill("#id_title", "   ")  # passes the browser's `required`, blank once the server strips it
    page.fill("#id_purpose", "这段文字不应被保存。")
    page.click("#save-button")
    page.wait_for_load_state()

    error = page.locator(".field-error[data-field='title']")
    assert error.count() == 1
    assert label in error.inner_text(), (label, error.inner_text())
    assert page.locator("#id_purpose").input_value() == "这段文字不应被保存。", "the user's input must survive"
    shot(page, "platform-08-form-error")
    assert not ProcedureDocument.objects.filter(purpose="这段文字不应被保存。").exists()
    assert RecordIndex.objects.count() == rows_before
    # Only the login wrote to the audit trail meanwhile; no create entry.
    assert not AuditEntry.objects.filter(seq__gt=audit_before, action="create").exists()
    page.goto(f"{live_server.url}/register/")
    assert page.locator("#object-table tbody tr").count() == min(rows_before, PAGE_SIZE)


def upload(page, name, content, mime="application/pdf"):
    page.set_input_files("#attachment-file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.locator("#attachment-upload").click()
    page.wait_for_load_state()


def test_disguised_and_oversize_uploads_are_refused(page, live_server, demo, settings):
    from core.models import Attachment

    settings.SERVPLAN_UPLOAD_MAX_BYTES = 2048
    login(page, live_server, "svc_staff")
    create_document(page, live_server, title="附件检查")
    detail_url = page.url

    upload(page, "evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200)
    assert page.url == detail_url
    alert = page.locator(".alert-danger")
    assert alert.count() == 1 and "evil.pdf" in alert.inner_text(), page.locator("main").inner_text()
    shot(page, "platform-09-upload-refused")

    upload(page, "big.pdf", b"%PDF-1.7\n" + b"0" * 4096)
    alert = page.locator(".alert-danger")
    assert alert.count() == 1 and "big.pdf" in alert.inner_text()
    assert "2.0" in alert.inner_text(), "the message should state the limit"

    document = Attachment.objects.filter(content_type__model="proceduredocument")  # (the demo has others)
    assert not document.exists()
    assert page.locator("#attachments a").count() == 0

    upload(page, "ok.pdf", b"%PDF-1.7\n%%EOF\n")
    assert page.locator(".alert-success", has_text="ok.pdf").count() == 1
    assert page.locator("#attachments a", has_text="ok.pdf").count() == 1
    assert document.get().name == "ok.pdf"


def test_register_filter_dropdown_narrows_the_list_and_the_export(page, live_server, demo):
    from core.models import RecordIndex

    login(page, live_server, "svc_staff")
    draft_number = create_document(page, live_server, title="草稿文件")
    approved = RecordIndex.objects.filter(status="approved", is_latest=True)
    assert approved.exists(), "the demo company ships an approved procedure"

    page.goto(f"{live_server.url}/register/")
    table = page.locator("#object-table tbody")
    assert table.locator("tr", has_text=draft_number).count() == 1
    page.locator("#id_status").click()  # a dropdown of check boxes, not a bare multi-select box
    with page.expect_response(lambda r: "/register/" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator(".filter-multi-menu input[value='approved']").check()
    page.wait_for_function("n => !document.querySelector('#object-table').textContent.includes(n)", arg=draft_number)
    assert table.locator("tr").count() == min(approved.count(), PAGE_SIZE)
    assert "status=approved" in page.url, "the filter is pushed into the address bar"
    assert "status=approved" in page.locator("#export-csv").get_attribute("href"), "export follows the filter"
    assert page.locator("#id_status .filter-chosen").inner_text() == approved_label("zh-hans")
    shot(page, "platform-10-register-filter")


def test_revising_an_approved_document_makes_a_draft_version_2(page, live_server, demo):
    from documents.models import ProcedureDocument

    original = ProcedureDocument.objects.get(status="approved", title="服务策划管理程序")
    login(page, live_server, "svc_staff")
    page.goto(f"{live_server.url}{original.get_absolute_url()}")
    assert page.locator("#edit-button").count() == 0, "an approved version is not edited in place"
    page.locator("#new-version-button").click()
    page.wait_for_url(re.compile(r"/documents/proceduredocument/\d+/$"))
    assert page.url != f"{live_server.url}{original.get_absolute_url()}"
    assert page.locator("#record-version").inner_text() == "v2"
    assert page.locator("#record-number").inner_text() == original.number
    assert page.locator("#versions li").count() == 2
    shot(page, "platform-11-new-version")
    original.refresh_from_db()
    assert original.status == "approved", "version 1 stays in force until version 2 is approved"


def test_auditor_reads_the_audit_trail_and_the_permission_matrix(page, live_server, demo):
    from core.models import AuditEntry

    login(page, live_server, "auditor")
    page.goto(f"{live_server.url}/audit/")
    assert page.locator("#object-table tbody tr").count() > 0
    latest = AuditEntry.objects.exclude(user=None).order_by("-seq").first()  # the newest entries are on page 1
    assert page.locator("#object-table", has_text=str(latest.user)).count() == 1  # by name
    shot(page, "platform-12-audit", full_page=False)
    page.goto(f"{live_server.url}/permissions/")
    assert page.locator("table").count() >= 1
    shot(page, "platform-13-permissions", full_page=False)
    # Django's bare 403 page has no <link rel="icon">, so the browser also asks for /favicon.ico.
    page.problems.expect("status of 403", "/favicon.ico")
    response = page.goto(f"{live_server.url}{ADD_URL}")
    assert response.status == 403, "the auditor only reads"


def test_delegate_approves_on_behalf_of_the_manager(page, live_server, demo):
    from datetime import timedelta

    from django.utils import timezone

    from core import records, workflow
    from core.context import acting_as
    from documents.models import ProcedureDocument

    staff = demo["svc_staff"]
    with acting_as(staff, request_id="test"):
        document = records.create(ProcedureDocument(title="变更管理程序", owner_department=staff.department), staff)
        workflow.fire(document, "submit", staff)

    # The manager hands their approvals to the project manager for a week.
    login(page, live_server, "svc_manager")
    page.goto(f"{live_server.url}/org/delegation/add/")
    page.select_option("#id_delegate", str(demo["pm"].pk))
    now = timezone.localtime()
    page.fill("#id_start", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_reason", "出差一周")
    shot(page, "platform-14-delegation")
    page.click("#save-button")
    page.wait_for_url(re.compile(r"/org/delegation/\d+/$"))
    logout(page)

    login(page, live_server, "pm")
    assert page.locator(".alert-info", has_text=str(demo["svc_manager"])).count() == 1, "the stand-in banner"
    page.locator("#pending-approvals a", has_text=document.number).click()
    page.locator("#transition-approve").click()
    page.wait_for_load_state()
    document.refresh_from_db()
    assert document.status == "approved"
    assert page.locator("#transition-log li", has_text=str(demo["svc_manager"])).count() == 1, "on behalf of"
