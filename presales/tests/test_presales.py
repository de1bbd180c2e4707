"""Pre-sales (SP-4.1): requirements, the proposal with its draft SLA and fit check, roles, exports, budgets."""

import io
from decimal import Decimal

import pytest

from catalog.models import Calendar
from core import records, rows, workflow
from core.choices import AuditAction, RecordStatus
from core.context import acting_as
from core.models import AuditEntry
from core.tests.test_exports import run_tool
from core.workflow import WorkflowError
from customers.models import Customer
from presales import fitcheck
from presales.models import PresalesProposal, ProposalLine, ServiceRequirement, StaffSkill

from . import helpers

JSON = "application/json"


def test_demo_chain_is_approved_and_meets(demo):
    proposal = PresalesProposal.objects.get(title="温州水务 营收系统应用运维服务售前方案")
    assert proposal.status == RecordStatus.APPROVED and proposal.number.startswith("SP-PROP-")
    assert proposal.requirement.status == RecordStatus.APPROVED and proposal.requirement.number.startswith("SP-REQ-")
    assert proposal.fit_check["misses"] == 0 and proposal.fit_check_current()
    assert proposal.customer.code == "wzwater" and "营收数据库服务器" in proposal.environment_summary


# ---- requirements ---------------------------------------------------------------------------------

def test_requirement_needs_sales_and_service_participants(demo, client_for):
    sales = client_for("sales")
    body = {"title": "新需求", "kind": "new", "customer": Customer.objects.get(code="hzbank").pk,
            "owner_department": demo["sales"].department_id, "goals": "目标", "scope": "范围", "requirements": "要求",
            "participants": [demo["sales"].pk],
            "priority_targets": [{"priority": "P1", "response_minutes": 15, "resolution_minutes": 240}],
            "skills": [{"skill": "Linux 系统管理 (RHCE)", "level": "senior", "headcount": 1}]}
    created = sales.post("/api/presales/requirements/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["number"].startswith("SP-REQ-") and data["missing_participants"] == ["Service Department"]
    assert len(data["priority_targets"]) == 1 and data["skills"][0]["level"] == "senior"
    url = f"/api/presales/requirements/{data['id']}/"
    blocked = sales.get(url + "transitions/").json()
    assert any("Sales and one from the Service Department" in r for t in blocked for r in t["blocked_by"])
    refused = sales.post(url + "transition/", {"transition": "submit"}, content_type=JSON)
    assert refused.status_code == 400 and ServiceRequirement.objects.get(pk=data["id"]).status == "draft"
    patched = client_for("svc_staff").patch(url, {"participants": [demo["sales"].pk, demo["svc_staff"].pk]},
                                            content_type=JSON)
    assert patched.status_code == 200, patched.content
    assert sales.post(url + "transition/", {"transition": "submit"}, content_type=JSON).json()["status"] == \
        "in_review"
    assert client_for("sales").post(url + "transition/", {"transition": "approve"},
                                    content_type=JSON).status_code == 403
    assert client_for("svc_manager").post(url + "transition/", {"transition": "approve"},
                                          content_type=JSON).json()["status"] == "approved"


def test_requirement_bad_input_names_the_field_and_writes_nothing(demo, client_for):
    before = ServiceRequirement.objects.count()
    body = {"title": "变更需求", "kind": "change", "customer": Customer.objects.get(code="hzbank").pk,
            "owner_department": demo["sales"].department_id, "goals": "g", "scope": "s", "requirements": "r",
            "availability_percent": "120",
            "priority_targets": [{"priority": "P1", "response_minutes": 60, "resolution_minutes": 30}]}
    response = client_for("sales").post("/api/presales/requirements/", body, content_type=JSON)
    assert response.status_code == 400
    assert "availability_percent" in response.json()
    body["availability_percent"] = "99.9"
    response = client_for("sales").post("/api/presales/requirements/", body, content_type=JSON)
    assert response.status_code == 400 and "contract" in response.json(), response.content
    body.update(kind="new")
    response = client_for("sales").post("/api/presales/requirements/", body, content_type=JSON)
    assert response.status_code == 400 and "resolution time cannot be shorter" in response.content.decode()
    assert ServiceRequirement.objects.count() == before


def test_requirement_form_with_rows_on_the_page(demo, client_for):
    from catalog.tests.test_pages_api import formset

    client = client_for("svc_staff")
    assert client.get("/presales/servicerequirement/add/").status_code == 200
    data = {"title": "页面需求", "kind": "new", "customer": Customer.objects.get(code="szmetro").pk,
            "owner_department": demo["svc_staff"].department_id, "confidentiality": "internal",
            "participants": [demo["svc_staff"].pk, demo["sales"].pk], "goals": "目标", "scope": "范围",
            "requirements": "要求", "availability_percent": "99.9", "retention_years": 5}
    data |= formset("targets", [{"priority": "P1", "response_minutes": "30", "resolution_minutes": "480"}])
    data |= formset("skills", [{"skill": "Oracle / MySQL 数据库 (OCP)", "level": "expert", "headcount": "1"}])
    response = client.post("/presales/servicerequirement/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    requirement = ServiceRequirement.objects.get(title="页面需求")
    assert requirement.priority_targets.get().response_minutes == 30 and requirement.skills.count() == 1
    assert requirement.missing_participants() == []
    page = client_for("auditor").get(requirement.get_absolute_url()).content.decode()
    assert "Oracle / MySQL 数据库 (OCP)" in page and 'id="start-proposal"' not in page


# ---- proposal: draft SLA from the tier, fit check, submit and approval ----------------------------------

def test_proposal_over_the_api_miss_fix_submit_approve(demo, client_for):
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=demo["svc_manager"])
    staff = client_for("svc_staff")
    created = staff.post("/api/presales/proposals/", {
        "title": "清分系统售前方案", "requirement": requirement.pk, "owner_department": demo["svc_staff"].department_id,
        "solution": "驻场 1 人 + 远程二线"}, content_type=JSON)
    assert created.status_code == 201, created.content
    proposal = created.json()
    assert proposal["customer"] == requirement.customer_id and proposal["number"].startswith("SP-PROP-")
    url = f"/api/presales/proposals/{proposal['id']}/"
    line = staff.post("/api/presales/proposal-lines/", {"proposal": proposal["id"], "tier": helpers.tier().pk,
                                                        "price": "360000"}, content_type=JSON)
    assert line.status_code == 201, line.content
    line = staff.get(f"/api/presales/proposal-lines/{line.json()['id']}/").json()
    assert line["availability_target"] == "99.500" and len(line["priority_targets"]) == 4

    refused = staff.post(url + "transition/", {"transition": "submit"}, content_type=JSON)
    assert refused.status_code == 400 and "fit check" in refused.content.decode()

    check = staff.post(url + "fit-check/", content_type=JSON).json()
    misses = [(r["item"], r["required"], r["offered"]) for r in check["lines"][0]["rows"] if not r["meets"]]
    assert misses == [("availability", 99.9, 99.5)] and check["misses"] == 1

    fixed = staff.patch(f"/api/presales/proposal-lines/{line['id']}/", {"availability_target": "99.9"},
                        content_type=JSON)
    assert fixed.status_code == 200, fixed.content
    assert staff.get(url).json()["fit_check_current"] is False
    stale = staff.post(url + "transition/", {"transition": "submit"}, content_type=JSON)
    assert stale.status_code == 400 and "fit check" in stale.content.decode()
    assert staff.post(url + "fit-check/", content_type=JSON).json()["misses"] == 0
    assert staff.post(url + "transition/", {"transition": "submit"}, content_type=JSON).json()["status"] == \
        "in_review"

    assert client_for("sales").post(url + "transition/", {"transition": "approve"},
                                    content_type=JSON).status_code == 403
    approved = client_for("svc_manager").post(url + "transition/", {"transition": "approve", "comment": "同意"},
                                              content_type=JSON)
    assert approved.json()["status"] == "approved"
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, content_type__model="presalesproposal",
                                     object_id=str(proposal["id"]), comment__contains="Fit check").count() == 2


def test_proposal_needs_an_approved_requirement_and_lines(demo):
    staff = demo["svc_staff"]
    requirement = helpers.requirement(demo["sales"], staff)
    with acting_as(staff):
        empty = records.create(PresalesProposal(title="空方案", requirement=requirement,
                                                owner_department=staff.department, solution="x"), staff)
        fitcheck.run(empty, staff)
        with pytest.raises(WorkflowError) as refused:
            workflow.fire(empty, "submit", staff)
    assert "at least one catalogue service" in str(refused.value)
    assert "requirement must be approved" in str(refused.value)


def test_author_cannot_approve_own_proposal(demo):
    manager = demo["svc_manager"]
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=manager)
    proposal = helpers.proposal(manager, requirement, check=True)
    with acting_as(manager):
        workflow.fire(proposal, "submit", manager)
        with pytest.raises(WorkflowError):
            workflow.fire(proposal, "approve", manager)


def test_fit_check_compares_window_targets_continuity_capacity(demo):
    staff = demo["svc_staff"]
    requirement = helpers.requirement(
        demo["sales"], staff, service_window=Calendar.objects.get(name="7x24"), rto_minutes=None, rpo_minutes=30,
        tickets_per_month=5000, users=None, devices=None,
        targets={"P1": (15, 240), "P2": (120, 1440)})
    proposal = helpers.proposal(staff, requirement, check=True)
    rows = {(r["item"], r["priority"]): r for r in proposal.fit_check["lines"][0]["rows"]}
    assert not rows[("service_window", "")]["meets"]
    assert not rows[("response", "P1")]["meets"] and rows[("response", "P1")]["offered"] == 60
    assert not rows[("resolution", "P1")]["meets"]
    assert rows[("response", "P2")]["meets"] and rows[("resolution", "P2")]["meets"]
    assert not rows[("rpo", "")]["meets"] and ("rto", "") not in rows
    assert not rows[("tickets", "")]["meets"] and ("users", "") not in rows
    assert not rows[("availability", "")]["meets"]
    shown = fitcheck.display(proposal.fit_check)
    assert any(r["label"] == "Response time P1" and r["offered"] == "1 h" for r in shown["lines"][0]["rows"])


def test_window_coverage(db):
    five = Calendar.objects.get(name="5x8 北京")
    always = Calendar.objects.get(name="7x24")
    assert fitcheck.window_meets(five, five) and fitcheck.window_meets(five, always)
    assert not fitcheck.window_meets(always, five)
    assert fitcheck._covered({0: [(540, 720)]}, {0: [(480, 600), (600, 1080)]})
    assert not fitcheck._covered({0: [(540, 720)], 5: [(540, 600)]}, {0: [(480, 1080)]})


def test_staff_capacity_is_given_out_once(demo):
    staff = demo["svc_staff"]
    requirement = helpers.requirement(demo["sales"], staff)
    proposal = helpers.proposal(staff, requirement, check=True)
    by_skill = {s["skill"]: s for s in proposal.fit_check["staff"]}
    oracle = by_skill["Oracle / MySQL 数据库 (OCP)"]
    assert oracle["meets"] and oracle["needed"] == 1 and oracle["sources"] == ["tier"]
    # The middleware engineers are 70% booked elsewhere; Linux is asked for too, and only the engineer who is
    # also an Oracle expert has it: Oracle goes to the other expert, so both are covered.
    admin = demo["admin"]
    with acting_as(admin):
        for row in StaffSkill.objects.filter(user__username__in=["member", "pm"]):
            before = records.audit.snapshot(row)
            row.free_capacity_percent = Decimal("30")
            records.update(row, admin, before)
        rows.replace(requirement, "skills", [{"skill": "Linux 系统管理 (RHCE)", "level": "senior", "headcount": 1}],
                     admin)
    result = fitcheck.compute(proposal)
    by_skill = {s["skill"]: s for s in result["staff"]}
    middleware = by_skill["中间件 (Tomcat / Nginx / WebLogic)"]
    assert not middleware["meets"] and middleware["available"] == 0.6
    linux, oracle = by_skill["Linux 系统管理 (RHCE)"], by_skill["Oracle / MySQL 数据库 (OCP)"]
    assert oracle["meets"] and [g["user"] for g in oracle["staff"]] == [demo["tsd_staff"].pk]
    assert linux["meets"] and [g["user"] for g in linux["staff"]] == [demo["svc_staff"].pk]
    assert result["misses"] == 2  # middleware and availability (99.5 offered, 99.9 required)


def test_proposal_pages_lines_adjust_and_fit_check(demo, client_for):
    from catalog.tests.test_pages_api import formset

    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=demo["svc_manager"])
    client = client_for("svc_staff")
    add = client.get(f"/presales/presalesproposal/add/?requirement={requirement.pk}")
    assert add.status_code == 200 and "szmetro" not in add.content.decode()
    data = {"title": "页面方案", "requirement": requirement.pk, "owner_department": demo["svc_staff"].department_id,
            "confidentiality": "internal", "solution": "驻场服务", "environment_summary": "", "retention_years": 5}
    data |= formset("lines", [{"tier": helpers.tier().pk, "price": "100000", "notes": "铜牌"}])
    response = client.post("/presales/presalesproposal/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    proposal = PresalesProposal.objects.get(title="页面方案")
    line = proposal.lines.get()
    assert line.priority_targets.count() == 4 and line.availability_target == Decimal("99.500")

    client.post(f"/presales/presalesproposal/{proposal.pk}/fit-check/")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'class="fit-row fit-miss table-danger" data-item="availability"' in page

    edit = client.get(f"/presales/proposalline/{line.pk}/edit/")
    assert edit.status_code == 200
    targets = list(line.priority_targets.order_by("priority"))
    line_data = {"service_window": line.service_window_id, "availability_target": "99.9",
                 "rto_minutes": line.rto_minutes, "rpo_minutes": line.rpo_minutes,
                 "max_tickets_per_month": line.max_tickets_per_month, "max_users": line.max_users,
                 "max_devices": line.max_devices, "price": "120000", "notes": "铜牌，可用性提升至 99.9%"}
    line_data |= formset("targets", [{"id": t.pk, "line": line.pk, "priority": t.priority,
                                      "response_minutes": t.response_minutes,
                                      "resolution_minutes": t.resolution_minutes,
                                      "target_percent": t.target_percent} for t in targets], initial=4)
    saved = client.post(f"/presales/proposalline/{line.pk}/edit/", line_data)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'id="fit-stale"' in page
    client.post(f"/presales/presalesproposal/{proposal.pk}/fit-check/")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "fit-miss" not in page and 'id="total-price">120000.00' in page
    assert client_for("auditor").post(f"/presales/presalesproposal/{proposal.pk}/fit-check/").status_code == 403


def test_new_version_copies_lines_targets_and_participants(demo):
    manager = demo["svc_manager"]
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=manager)
    proposal = helpers.proposal(demo["svc_staff"], requirement, check=True)
    with acting_as(demo["svc_staff"]):
        workflow.fire(proposal, "submit", demo["svc_staff"])
    with acting_as(manager):
        workflow.fire(proposal, "approve", manager)
    with acting_as(demo["svc_staff"]):
        draft = records.new_version(proposal, demo["svc_staff"])
        new_requirement = records.new_version(requirement, demo["sales"])
    assert draft.lines.get().priority_targets.count() == 4
    assert set(new_requirement.participants.all()) == {demo["sales"], demo["svc_staff"]}
    assert new_requirement.priority_targets.count() == 1


def test_line_with_an_unapproved_tier_is_refused(demo, client_for):
    from catalog.tests import helpers as catalog_helpers

    requirement = helpers.requirement(demo["sales"], demo["svc_staff"])
    proposal = helpers.proposal(demo["svc_staff"], requirement)
    draft_tier = catalog_helpers.tier(demo["svc_staff"], catalog_helpers.service(demo["admin"], code="draft-svc"),
                                      Calendar.objects.get(name="7x24"))
    count = ProposalLine.objects.count()
    response = client_for("svc_staff").post("/api/presales/proposal-lines/", {"proposal": proposal.pk,
                                                                             "tier": draft_tier.pk},
                                            content_type=JSON)
    assert response.status_code == 400 and "tier" in response.json(), response.content
    assert ProposalLine.objects.count() == count


# ---- roles ---------------------------------------------------------------------------------------

def test_roles_sales_drafts_no_proposal_auditor_reads_all(demo, client_for):
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=demo["svc_manager"])
    proposal = helpers.proposal(demo["svc_staff"], requirement, check=True)
    body = {"title": "x", "requirement": requirement.pk, "owner_department": demo["sales"].department_id,
            "solution": "x"}
    assert client_for("sales").post("/api/presales/proposals/", body, content_type=JSON).status_code == 403
    auditor = client_for("auditor")
    for url in ("/presales/servicerequirement/", "/presales/presalesproposal/", "/presales/staffskill/",
                requirement.get_absolute_url(), proposal.get_absolute_url(), "/api/presales/proposals/",
                f"/api/presales/proposals/{proposal.pk}/", "/api/presales/requirements/"):
        assert auditor.get(url).status_code == 200, url
    assert auditor.post(f"/api/presales/proposals/{proposal.pk}/fit-check/").status_code == 403
    assert auditor.patch(f"/api/presales/proposals/{proposal.pk}/", {"title": "改"},
                         content_type=JSON).status_code == 403
    assert auditor.post(f"/api/presales/proposals/{proposal.pk}/transition/", {"transition": "submit"},
                        content_type=JSON).status_code == 403
    assert auditor.get(f"/presales/presalesproposal/{proposal.pk}/edit/").status_code == 403


# ---- exports -------------------------------------------------------------------------------------

def test_proposal_exports_pdf_and_docx(demo, client_for, tmp_path):
    from docx import Document

    proposal = PresalesProposal.objects.get(title="温州水务 营收系统应用运维服务售前方案")
    client = client_for("auditor", language="zh-hans")
    pdf = client.get(f"/presales/presalesproposal/{proposal.pk}/export/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = run_tool("pdftotext", pdf.content, tmp_path, "-layout")
    for expected in (proposal.number, "温州市水务集团", "营收数据库服务器", "组建 3 人应用运维小组", "应用运维",
                     "5x8 北京", "680,000.00", "文件编号", "审核", "批准"):
        assert expected in text, expected
    fonts = run_tool("pdffonts", pdf.content, tmp_path)
    assert any("Noto" in line and " yes " in line for line in fonts.splitlines()[2:]), fonts
    docx = client.get(f"/presales/presalesproposal/{proposal.pk}/export/?format=docx")
    document = Document(io.BytesIO(docx.content))
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    texts += [p.text for s in document.sections for p in s.header.paragraphs]
    joined = "\n".join(texts)
    assert proposal.number in joined and f"V{proposal.version}" in joined and "Oracle / MySQL 数据库 (OCP)" in joined


# ---- query budgets -------------------------------------------------------------------------------

def _make(demo, n):
    manager = demo["svc_manager"]
    for _ in range(n):
        requirement = helpers.requirement(demo["sales"], demo["svc_staff"])
        helpers.proposal(manager, requirement, check=True)


def test_list_query_counts_do_not_grow_with_rows(demo, client_for, queries_of):
    client = client_for("admin")
    urls = ("/presales/servicerequirement/?per_page=500", "/api/presales/requirements/?limit=500",
            "/presales/presalesproposal/?per_page=500", "/api/presales/proposals/?limit=500",
            "/api/presales/proposal-lines/?limit=500", "/presales/staffskill/?per_page=500",
            "/api/presales/staff-skills/?limit=500")
    _make(demo, 10)
    small = [queries_of(client, url) for url in urls]
    _make(demo, 40)
    large = [queries_of(client, url) for url in urls]
    assert large == small, f"queries grew with rows: {small} -> {large}"
