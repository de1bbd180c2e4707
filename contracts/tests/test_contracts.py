"""Service contracts: a small controlled record (numbered, reviewed, approved), pages and API."""

import pytest
from django.urls import reverse

from catalog.models import Calendar, ServiceTier
from contracts.choices import SignedStatus
from contracts.models import Contract
from core.choices import AuditAction, RecordStatus
from core.models import AuditEntry
from customers.models import Customer
from org.models import Department


def _form(**overrides):
    tier = ServiceTier.objects.filter(status=RecordStatus.APPROVED, service__code="network", name="金").first()
    data = {"title": "测试合同", "customer": Customer.objects.get(code="hzbank").pk,
            "owner_department": Department.objects.get(code="sales").pk, "start_date": "2026-01-01",
            "end_date": "2026-12-31", "service_tier": tier.pk, "calendar": Calendar.objects.get(name="7x24").pk,
            "confidentiality": "internal", "retention_years": 5, "value": "0"}
    for prefix in ("service_lines", "milestones"):  # the contract form's row sets, empty
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_demo_contracts_are_approved_or_signed(demo):
    contracts = Contract.objects.filter(proposal__isnull=True).order_by("pk")
    assert contracts.count() == 3
    assert all(c.status in (RecordStatus.APPROVED, SignedStatus.SIGNED) and c.number.startswith("SP-CON-")
               for c in contracts)
    # Two more went through the whole pre-sales stage and are signed (presales.demo, contracts.demo.load_chain):
    # the annual operations contract and the cut-over support contract that ended before it; of the three
    # others, the hospital's is signed too (its SLA from the tier, its review passed).
    assert sorted(Contract.objects.signed().values_list("title", flat=True)) == sorted(
        ["温州水务 营收系统应用运维服务合同", "温州水务 营收系统升级割接保障服务合同", "宁波第一医院 桌面运维服务合同（银牌 5x8）"])
    hz = contracts.get(customer__code="hzbank")
    assert hz.business_calendar.name == "5x8 北京" and hz.service_tier.service_window.name == "7x24"
    assert hz.ticket_limit == hz.service_tier.max_tickets_per_month


def test_sales_drafts_manager_approves(client_for, demo):
    sales = client_for("sales")
    response = sales.post(reverse("contracts:contract_add"), _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    contract = Contract.objects.get(title="测试合同")
    assert contract.status == RecordStatus.DRAFT and contract.author == demo["sales"]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(contract.pk)).exists()
    transition = reverse("contracts:contract_transition", args=[contract.pk])
    sales.post(transition, {"transition": "submit"})
    assert client_for("svc_staff").post(transition, {"transition": "approve"}).status_code == 403
    client_for("svc_manager").post(transition, {"transition": "approve", "comment": "同意"})
    contract.refresh_from_db()
    assert contract.status == RecordStatus.APPROVED
    page = client_for("auditor").get(contract.get_absolute_url()).content.decode()
    assert 'id="service-data-link"' in page and 'id="sla-dashboard-link"' in page


@pytest.mark.parametrize("username,status", [("sales", 200), ("admin", 200), ("svc_staff", 403), ("auditor", 403)])
def test_add_page_permission(username, status, client_for):
    assert client_for(username).get(reverse("contracts:contract_add")).status_code == status


def test_end_before_start_is_refused(client_for, demo):
    response = client_for("sales").post(reverse("contracts:contract_add"),
                                        _form(start_date="2026-12-31", end_date="2026-01-01"))
    assert response.status_code == 200 and not Contract.objects.filter(title="测试合同").exists()
    assert "cannot end before it starts" in response.content.decode()


def test_api(client_for, demo):
    listing = client_for("auditor").get("/api/contracts/").json()
    assert listing["count"] == 5 and {r["status"] for r in listing["results"]} == {"approved", "signed"}
    body = _form(title="API 合同")
    assert client_for("svc_staff").post("/api/contracts/", body, content_type="application/json").status_code == 403
    response = client_for("sales").post("/api/contracts/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("SP-CON-")


def test_export(client_for, demo):
    contract = Contract.objects.get(customer__code="hzbank")
    response = client_for("auditor").get(reverse("contracts:contract_export", args=[contract.pk]), {"format": "docx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_when_a_review_may_start_and_whom_it_asks(demo):
    """The page's "start a review" and the opinion rows asked for on save are decisions of contracts.services."""
    from contracts.models import ContractReview
    from contracts.services import contract_from_proposal, may_start_review, request_opinions_after_save
    from core import records, workflow
    from core.context import acting_as
    from org.choices import DepartmentKind
    from presales.models import PresalesProposal

    sales, staff = demo["sales"], demo["svc_staff"]
    proposal = PresalesProposal.objects.get(title="温州水务 营收系统应用运维服务售前方案")
    with acting_as(sales):
        contract = contract_from_proposal(proposal, sales, title="评审时机合同")
        assert not may_start_review(contract, sales)  # a draft contract is not reviewed yet
        workflow.fire(contract, "submit", sales)
    assert may_start_review(contract, staff)
    assert not may_start_review(contract, demo["auditor"])  # the auditor may not start one
    with acting_as(staff):
        review = records.create(ContractReview(contract=contract, owner_department=staff.department), staff)
        assert not review.opinions.exists()
        request_opinions_after_save(review, staff)
    assert [o.department.kind for o in review.opinions.all()] == [DepartmentKind.SERVICE]
    assert not may_start_review(contract, staff)  # one is under way
    with acting_as(staff):
        workflow.fire(review, "submit", staff)
        review.opinions.get().delete()
        request_opinions_after_save(review, staff)  # collecting opinions: nobody is asked again on save
    assert not review.opinions.exists()
