"""The pre-sales to signed-contract stage over the API (SP-4.1, SP-4.2, SP-2.7), a contract change with its SLA,
exports, role rules, bad input and query budgets."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.models import Calendar
from contracts.models import Contract, ContractReview, ServiceLevelAgreement
from core import records, workflow
from core.choices import AuditAction
from core.context import acting_as
from core.models import AuditEntry
from core.tests.test_exports import run_tool
from customers.models import Customer
from presales.models import PresalesProposal
from presales.tests import helpers

JSON = "application/json"


def post(client, url, body=None):
    return client.post(url, body or {}, content_type=JSON)


def fire(client, url, transition, comment=""):
    return post(client, url + "transition/", {"transition": transition, "comment": comment})


def test_full_stage_over_the_api(demo, client_for):
    sales, staff, manager = client_for("sales"), client_for("svc_staff"), client_for("svc_manager")
    commerce = client_for("commerce")
    customer = Customer.objects.get(code="szmetro")

    # 1. Sales and the Service Department record the requirements (SP-4.1.1–4.1.3).
    requirement = post(sales, "/api/presales/requirements/", {
        "title": "AFC 清分系统应用运维需求", "kind": "new", "customer": customer.pk,
        "owner_department": demo["sales"].department_id, "goals": "保障清分系统稳定运行",
        "scope": "清分系统应用与数据库",
        "requirements": "工作日驻场", "service_window": Calendar.objects.get(name="5x8 北京").pk,
        "availability_percent": "99.9", "rto_minutes": 1440, "rpo_minutes": 240, "tickets_per_month": 400,
        "participants": [demo["sales"].pk],
        "priority_targets": [{"priority": "P1", "response_minutes": 60, "resolution_minutes": 960}]})
    assert requirement.status_code == 201, requirement.content
    req_url = f"/api/presales/requirements/{requirement.json()['id']}/"
    assert fire(sales, req_url, "submit").status_code == 400  # the Service Department is not recorded yet
    assert staff.patch(req_url, {"participants": [demo["sales"].pk, demo["svc_staff"].pk],
                                 "skills": [{"skill": "Oracle / MySQL 数据库 (OCP)", "level": "expert",
                                             "headcount": 1}]}, content_type=JSON).status_code == 200
    assert fire(sales, req_url, "submit").json()["status"] == "in_review"
    assert fire(manager, req_url, "approve", "需求明确").json()["status"] == "approved"

    # 2. The Service Department drafts the proposal; the fit check finds a miss, which is fixed (SP-4.1.4).
    proposal = post(staff, "/api/presales/proposals/", {
        "title": "AFC 清分系统应用运维售前方案", "requirement": requirement.json()["id"],
        "owner_department": demo["svc_staff"].department_id, "solution": "驻场 1 人，数据库专家远程支持"}).json()
    prop_url = f"/api/presales/proposals/{proposal['id']}/"
    line = post(staff, "/api/presales/proposal-lines/", {"proposal": proposal["id"], "tier": helpers.tier().pk,
                                                         "price": "400000"}).json()
    check = post(staff, prop_url + "fit-check/").json()
    assert [r["item"] for r in check["lines"][0]["rows"] if not r["meets"]] == ["availability"]
    staff.patch(f"/api/presales/proposal-lines/{line['id']}/", {"availability_target": "99.9"}, content_type=JSON)
    assert post(staff, prop_url + "fit-check/").json()["misses"] == 0
    assert fire(staff, prop_url, "submit").json()["status"] == "in_review"
    assert fire(sales, prop_url, "approve").status_code == 403  # Sales never approves a proposal
    assert fire(manager, prop_url, "approve", "同意").json()["status"] == "approved"

    # 3. Sales drafts the contract from it: services, SLA and price carried over (SP-4.1.5).
    contract = post(sales, "/api/contracts/from-proposal/", {"proposal": proposal["id"],
                                                             "title": "AFC 清分系统运维合同",
                                                             "start_date": "2026-12-01"})
    assert contract.status_code == 201, contract.content
    contract = contract.json()
    con_url = f"/api/contracts/{contract['id']}/"
    assert contract["value"] == "400000.00" and contract["proposal"] == proposal["id"]
    assert [s["tier"] for s in contract["service_lines"]] == [helpers.tier().pk]
    assert sum(float(m["amount"]) for m in contract["milestones"]) == 400000
    sla_url = f"/api/contracts/slas/{contract['sla']}/"
    sla = sales.get(sla_url).json()
    assert sla["availability_target"] == "99.900" and sla["effective_from"] == "2026-12-01"
    assert sla["number"].startswith("SP-SLA-") and len(sla["priority_targets"]) == 4
    assert sales.patch(con_url, {"involves_procurement": True, "customer_signatory": "周总"},
                       content_type=JSON).status_code == 200
    # The SLA is reviewed with its contract: one submission, one approval.
    assert fire(sales, con_url, "submit").json()["status"] == "in_review"
    assert sales.get(sla_url).json()["status"] == "in_review"
    assert fire(manager, con_url, "approve").json()["status"] == "approved"
    assert sales.get(sla_url).json()["status"] == "approved"

    # 4. Signing is refused before a passed review; the blocked reason is given (SP-4.2.1).
    blocked = sales.get(con_url + "transitions/").json()
    sign = next(t for t in blocked if t["transition"] == "sign")
    assert any("passed contract review" in r for r in sign["blocked_by"])
    assert fire(sales, con_url, "sign").status_code == 400
    assert fire(staff, con_url, "sign").status_code == 403  # the Service Department never signs

    review = post(staff, "/api/contracts/reviews/", {"contract": contract["id"],
                                                     "owner_department": demo["svc_staff"].department_id})
    assert review.status_code == 201, review.content
    review = review.json()
    rev_url = f"/api/contracts/reviews/{review['id']}/"
    assert fire(staff, rev_url, "submit").json()["status"] == "in_review"
    review = staff.get(rev_url).json()
    departments = {o["department"]: o for o in review["opinions"]}
    service_id, commerce_id = demo["svc_staff"].department_id, demo["commerce"].department_id
    assert set(departments) == {service_id, commerce_id}
    assert proposal["number"] in departments[service_id]["basis"]  # pre-filled from the proposal's fit check
    assert "every item meets" in departments[service_id]["basis"]
    assert post(commerce, rev_url + "opinion/", {"department": service_id, "verdict": "agree"}).status_code == 403
    given = post(staff, rev_url + "opinion/", {"verdict": "agree", "comment": departments[service_id]["comment"]})
    assert given.status_code == 200 and given.json()["status"] == "in_review"
    assert fire(sales, con_url, "sign").status_code == 400  # Commerce has not agreed yet
    bad = post(commerce, rev_url + "opinion/", {"verdict": "conditional", "comment": ""})
    assert bad.status_code == 400 and "comment" in bad.json()
    passed = post(commerce, rev_url + "opinion/", {"verdict": "conditional", "comment": "采购须在合格供方内比价"})
    assert passed.json()["status"] == "approved" and passed.json()["outcome"]["passed"]

    # 5. Sales signs; the SLA is signed with it and is what tickets are measured against from its date.
    # Signing asks who signed for each party (title and date): the bare transition is refused and says so.
    bare = fire(sales, con_url, "sign", "双方签署")
    assert bare.status_code == 400 and "each party" in bare.content.decode()
    signatories = [{"party": "customer", "name": "林国栋", "title": "信息中心主任", "signed_on": "2026-11-28"},
                   {"party": "provider", "name": "吴强", "title": "客户经理", "signed_on": "2026-11-29"}]
    future = [{**signatories[0], "signed_on": "2099-01-01"}, signatories[1]]
    assert post(sales, con_url + "sign/", {"signatories": future}).status_code == 400
    assert post(staff, con_url + "sign/", {"signatories": signatories}).status_code == 403
    signed = post(sales, con_url + "sign/", {"signatories": signatories, "comment": "双方签署"})
    assert signed.status_code == 200 and signed.json()["status"] == "signed", signed.content
    contract_row = Contract.objects.get(pk=contract["id"])
    assert contract_row.is_signed and contract_row in Contract.objects.signed()
    assert contract_row.signed_on == date(2026, 11, 29)  # concluded when the last party signed
    listed = sales.get(con_url).json()["signatories"]
    assert [(s["party"], s["name"], s["title"]) for s in listed] == \
        [("customer", "林国栋", "信息中心主任"), ("provider", "吴强", "客户经理")]
    sla_row = ServiceLevelAgreement.objects.get(pk=contract["sla"])
    assert sla_row.status == "signed" and sla_row.signed_on is not None
    assert contract_row.sla_for(date(2026, 12, 1)) == sla_row
    assert contract_row.sla_for(date(2026, 11, 30)) == contract_row.service_tier  # before: the tier
    in_force = sales.get(con_url + "sla-in-force/?date=2026-12-15").json()
    assert in_force["kind"] == "sla" and in_force["id"] == sla_row.pk
    assert AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(sla_row.pk),
                                     object_repr__contains="[sign]").exists()


def _signed_chain(demo, start=date(2026, 1, 1)):
    """Requirement → approved proposal → signed contract with its SLA, through the services."""
    from contracts.services import contract_from_proposal

    sales, staff, manager = demo["sales"], demo["svc_staff"], demo["svc_manager"]
    requirement = helpers.requirement(sales, staff, approve_by=manager, availability_percent="99.5")
    proposal = helpers.proposal(staff, requirement, check=True)
    with acting_as(staff):
        workflow.fire(proposal, "submit", staff)
    with acting_as(manager):
        workflow.fire(proposal, "approve", manager)
    with acting_as(sales):
        contract = contract_from_proposal(proposal, sales, title="变更测试合同", start_date=start,
                                          end_date=date(2027, 12, 31))
    return sign(demo, contract)


SIGNED_ON = date(2026, 11, 30)


def sign(demo, contract):
    from contracts.services import ensure_opinions, give_opinion, sign_contract

    sales, staff, manager = demo["sales"], demo["svc_staff"], demo["svc_manager"]
    with acting_as(sales):
        workflow.fire(contract, "submit", sales)  # the SLA goes with it
    with acting_as(manager):
        workflow.fire(contract, "approve", manager)
    with acting_as(staff):
        review = records.create(ContractReview(contract=contract, owner_department=staff.department), staff)
        ensure_opinions(review, staff)
        workflow.fire(review, "submit", staff)
        give_opinion(review.opinions.get(), staff, "agree", "同意")
    with acting_as(sales):
        contract.refresh_from_db()
        sign_contract(contract, sales, {"customer": {"name": "林国栋", "title": "信息中心主任", "signed_on": SIGNED_ON},
                                        "provider": {"name": "吴强", "title": "客户经理", "signed_on": SIGNED_ON}})
    contract.refresh_from_db()
    return contract


def test_contract_change_links_predecessor_shows_sla_diff_and_keeps_old_sla_for_old_tickets(demo, client_for):
    from contracts.models import SlaTarget
    from servicedata import sla as sla_engine
    from servicedata.tests.helpers import import_records

    v1 = _signed_chain(demo)
    old_sla = v1.sla()
    assert old_sla.targets()["P1"].response_seconds == 60 * 60
    sales = demo["sales"]
    with acting_as(sales):
        v2 = records.new_version(v1, sales, comment="P1 响应提高到 15 分钟")
    assert v2.predecessor == v1 and v2.version == 2 and v2.service_lines.count() == 1
    new_sla = v2.sla()
    assert new_sla.predecessor == old_sla and new_sla.number == old_sla.number and new_sla.status == "draft"
    with acting_as(sales):
        before = records.audit.snapshot(new_sla)
        new_sla.effective_from, new_sla.availability_target = date(2026, 3, 1), "99.900"
        records.update(new_sla, sales, before)
        p1 = new_sla.priority_targets.get(priority="P1")
        before = records.audit.snapshot(p1)
        p1.response_minutes = 15
        records.update(p1, sales, before)
        before = records.audit.snapshot(v2)
        v2.value = v2.value  # unchanged value, a new payment term
        v2.payment_terms = "按月支付"
        records.update(v2, sales, before)
    assert SlaTarget.objects.get(pk=p1.pk).response_minutes == 15

    # The change is shown, SLA included, on the page and over the API.
    page = client_for("auditor").get(v2.get_absolute_url()).content.decode()
    assert 'id="contract-changes"' in page and 'id="predecessor-link"' in page
    assert "Response target P1" in page and "15 min" in page
    changes = client_for("auditor").get(f"/api/contracts/{v2.pk}/changes/").json()
    assert changes["previous"] == v1.pk
    assert ["Response target P1", "1 h", "15 min"] in changes["sla"]
    assert ["Availability target (%)", "99.5", "99.9"] in changes["sla"]
    assert ["Effective from", "2026-01-01", "2026-03-01"] in changes["sla"]
    assert any(row[0] == "Payment terms" for row in changes["contract"])

    v2 = sign(demo, v2)
    v1.refresh_from_db()
    old_sla.refresh_from_db()
    assert v1.status == "superseded" and old_sla.status == "superseded" and v2.sla().status == "signed"
    assert v2.sla_for(date(2026, 2, 28)) == old_sla and v2.sla_for(date(2026, 3, 1)) == v2.sla()

    # Tickets before the change date keep the old SLA (P1 response 1 h), later ones the new one (15 min).
    rows = [{"external_id": "T-OLD", "priority": "P1", "kind": "incident", "created": "2026-02-26T10:00:00+08:00",
             "first_response": "2026-02-26T10:30:00+08:00"},
            {"external_id": "T-NEW", "priority": "P1", "kind": "incident", "created": "2026-03-03T10:00:00+08:00",
             "first_response": "2026-03-03T10:30:00+08:00"}]
    result = import_records(v2, demo["svc_manager"], rows)
    assert not result.errors, result.errors
    sla_engine.compute_pending(v2)
    from servicedata.models import Ticket

    old, new = Ticket.objects.get(external_id="T-OLD"), Ticket.objects.get(external_id="T-NEW")
    assert old.response_met and not new.response_met
    assert old.response_seconds == new.response_seconds == 30 * 60
    metrics = sla_engine.period_metrics(v2, 2026, 3, as_of=datetime(2026, 3, 31, tzinfo=UTC))
    assert metrics.availability_target == 99.9


def test_change_requirement_drafts_the_contracts_next_version_from_its_proposal(demo, client_for):
    sales, staff, manager = demo["sales"], demo["svc_staff"], demo["svc_manager"]
    v1 = _signed_chain(demo)
    requirement = helpers.requirement(sales, staff, approve_by=manager, title="清分系统服务升级为银牌",
                                      kind="change", contract=v1)
    proposal = helpers.proposal(staff, requirement, tier_=helpers.tier(name="银"), price="520000.00", check=True)
    with acting_as(staff):
        workflow.fire(proposal, "submit", staff)
    with acting_as(manager):
        workflow.fire(proposal, "approve", manager)
    response = post(client_for("sales"), "/api/contracts/from-proposal/",
                    {"proposal": proposal.pk, "effective_from": "2026-07-01"})
    assert response.status_code == 201, response.content
    v2 = Contract.objects.get(pk=response.json()["id"])
    assert v2.number == v1.number and v2.version == 2 and v2.predecessor == v1 and v2.proposal == proposal
    assert v2.value == 520000 and v2.service_tier == helpers.tier(name="银")
    sla = v2.sla()
    assert sla.predecessor == v1.sla() and sla.effective_from == date(2026, 7, 1) and sla.status == "draft"
    assert str(sla.availability_target) == "99.900" and sla.priority_targets.count() == 4
    changes = client_for("auditor").get(f"/api/contracts/{v2.pk}/changes/").json()
    assert ["Availability target (%)", "99.5", "99.9"] in changes["sla"]
    assert any(row[0] == "Contract value (CNY)" for row in changes["contract"])
    v1.refresh_from_db()
    assert v1.is_signed, "the signed version stays in force until the change is signed"


def test_exports_of_proposal_sla_and_review(demo, client_for, tmp_path):
    from docx import Document

    contract = Contract.objects.get(title="温州水务 营收系统应用运维服务合同")
    sla, review = contract.sla(), contract.reviews.get()
    client = client_for("auditor", language="zh-hans")
    for record, url, expected in (
            (sla, f"/contracts/servicelevelagreement/{sla.pk}/export/", ("温州市水务集团", "5x8 北京", "林国栋")),
            (review, f"/contracts/contractreview/{review.pk}/export/",
             ("温州水务 营收系统应用运维服务合同", "备份服务器采购须在合格供方名录内比价", "服务部", "商务部",
              "周婷")),
            (contract, f"/contracts/contract/{contract.pk}/export/", ("林国栋（信息中心主任）", "680,000.00"))):
        pdf = client.get(url + "?format=pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        text = run_tool("pdftotext", pdf.content, tmp_path, "-layout")
        for value in (record.number, "文件编号", "批准", *expected):
            assert value in text, (record.number, value)
        fonts = run_tool("pdffonts", pdf.content, tmp_path)
        assert any("Noto" in line and " yes " in line for line in fonts.splitlines()[2:]), fonts
        docx = client.get(url + "?format=docx")
        document = Document(io.BytesIO(docx.content))
        texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows
                                                         for c in r.cells]
        texts += [p.text for s in document.sections for p in s.header.paragraphs]
        joined = "\n".join(texts)
        assert record.number in joined and f"V{record.version}" in joined


def test_demo_chain_is_signed(demo):
    contract = Contract.objects.get(title="温州水务 营收系统应用运维服务合同")
    assert contract.is_signed and contract.proposal.number.startswith("SP-PROP-")
    assert contract.sla().status == "signed" and contract.reviews.get().status == "approved"
    assert contract.sla_for(date(2026, 10, 1)) == contract.sla()


# ---- role rules -----------------------------------------------------------------------------------

def test_roles_service_cannot_sign_sales_cannot_approve_auditor_reads_only(demo, client_for):
    contract = Contract.objects.get(title="温州水务 营收系统应用运维服务合同")
    proposal = contract.proposal
    auditor = client_for("auditor")
    for url in ("/contracts/contract/", contract.get_absolute_url(), "/contracts/servicelevelagreement/",
                contract.sla().get_absolute_url(), "/contracts/contractreview/",
                contract.reviews.get().get_absolute_url(), "/api/contracts/", "/api/contracts/slas/",
                "/api/contracts/reviews/", f"/api/contracts/{contract.pk}/changes/", proposal.get_absolute_url()):
        assert auditor.get(url).status_code == 200, url
    assert auditor.post(f"/api/contracts/{contract.pk}/new-version/").status_code == 403
    assert post(auditor, "/api/contracts/from-proposal/", {"proposal": proposal.pk}).status_code == 403
    assert post(auditor, f"/api/contracts/reviews/{contract.reviews.get().pk}/opinion/",
                {"verdict": "agree"}).status_code == 403
    assert auditor.get(f"/contracts/contract/from-proposal/{proposal.pk}/").status_code == 403
    assert post(client_for("svc_staff"), "/api/contracts/from-proposal/", {"proposal": proposal.pk}).status_code == 403

    # An approved contract whose review passed: the Service Department still cannot sign, Sales can.
    from contracts.models import Contract as C

    change_contract = _signed_chain(demo)
    with acting_as(demo["sales"]):
        draft = records.new_version(change_contract, demo["sales"])
    page = client_for("svc_staff").get(draft.get_absolute_url()).content.decode()
    assert 'id="transition-sign"' not in page
    assert C.objects.filter(pk=draft.pk, status="draft").exists()


def test_sign_button_shows_the_blocked_reason(demo, client_for):
    from contracts.services import contract_from_proposal

    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=demo["svc_manager"])
    proposal = helpers.proposal(demo["svc_staff"], requirement, check=True)
    with acting_as(demo["svc_staff"]):
        workflow.fire(proposal, "submit", demo["svc_staff"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(proposal, "approve", demo["svc_manager"])
    with acting_as(demo["sales"]):
        contract = contract_from_proposal(proposal, demo["sales"])
        workflow.fire(contract, "submit", demo["sales"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(contract, "approve", demo["svc_manager"])
    page = client_for("sales").get(contract.get_absolute_url()).content.decode()
    assert 'id="transition-sign" disabled' in page
    assert "A passed contract review of this version is needed before signing." in page
    # The refusal links to what fixes it; the SLA, approved with the contract, is no obstacle.
    assert f'href="/contracts/contractreview/add/?contract={contract.pk}"' in page
    assert contract.sla().status == "approved" and "SLA is not approved" not in page


# ---- bad input --------------------------------------------------------------------------------------

def test_bad_contract_input_names_the_field_and_writes_nothing(demo, client_for):
    contract = Contract.objects.exclude(status="signed").filter(status="approved").first()
    count = Contract.objects.count()
    body = {"title": "坏合同", "customer": contract.customer_id, "owner_department": demo["sales"].department_id,
            "start_date": "2026-06-01", "end_date": "2026-01-01", "service_tier": contract.service_tier_id,
            "value": "1000", "milestones": [{"name": "首付", "amount": "600"}]}
    response = post(client_for("sales"), "/api/contracts/", body)
    assert response.status_code == 400 and "end_date" in response.json(), response.content
    body.update(end_date="2026-12-31", milestones=[{"name": "首付", "amount": "0"}])
    response = post(client_for("sales"), "/api/contracts/", body)
    assert response.status_code == 400 and response.json()["milestones"]["0"]["amount"], response.content
    assert Contract.objects.count() == count
    body["milestones"] = [{"name": "首付", "amount": "600"}]
    created = post(client_for("sales"), "/api/contracts/", body)
    assert created.status_code == 201, created.content
    refused = fire(client_for("sales"), f"/api/contracts/{created.json()['id']}/", "submit")
    assert refused.status_code == 400 and "add up to the contract value" in refused.content.decode()


def test_changed_sla_must_take_effect_later(demo):
    v1 = _signed_chain(demo)
    with acting_as(demo["sales"]):
        v2 = records.new_version(v1, demo["sales"])
        with pytest.raises(workflow.WorkflowError, match="take effect after"):
            workflow.fire(v2.sla(), "submit", demo["sales"])


# ---- query budgets --------------------------------------------------------------------------------

def _contracts(demo, n):
    from contracts.services import contract_from_proposal

    proposal = PresalesProposal.objects.get(title="温州水务 营收系统应用运维服务售前方案")
    with acting_as(demo["sales"]):
        for i in range(n):
            contract = contract_from_proposal(proposal, demo["sales"], title=f"预算合同 {i}",
                                              start_date=date(2026, 1, 1) + timedelta(days=i))
            review = records.create(ContractReview(contract=contract, owner_department=demo["sales"].department),
                                    demo["sales"])
            from contracts.services import ensure_opinions

            ensure_opinions(review, demo["sales"])


def test_list_query_counts_do_not_grow_with_rows(demo, client_for, queries_of):
    client = client_for("admin")
    urls = ("/contracts/contract/?per_page=500", "/api/contracts/?limit=500",
            "/contracts/servicelevelagreement/?per_page=500", "/api/contracts/slas/?limit=500",
            "/contracts/contractreview/?per_page=500", "/api/contracts/reviews/?limit=500",
            "/api/contracts/sla-targets/?limit=500", "/api/contracts/review-opinions/?limit=500")
    _contracts(demo, 10)
    small = [queries_of(client, url) for url in urls]
    _contracts(demo, 40)
    large = [queries_of(client, url) for url in urls]
    assert large == small, f"queries grew with rows: {small} -> {large}"
