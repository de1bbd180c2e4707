"""Issue 4 in a real browser: pre-sales to signed contract (SP-4.1, SP-4.2, SP-2.7).

Sales imports the customer's IT environment; Sales and the Service Department record the requirements; the
Service Department drafts the proposal, the fit check shows a miss, it is fixed; the manager approves; Sales
drafts the contract from it; signing is refused until the review with the Service Department's and
Commerce's opinions has passed; then Sales signs and the SLA takes effect.

Screenshots taken here illustrate docs/guide/02-presales.md.
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from contracts.workflows import REVIEW_PASSED

from .conftest import click_and_wait, login, logout, shot, transition

pytestmark = pytest.mark.browser

ITEMS_BAD = ("类型,名称,型号/版本,数量,位置\n"
             "服务器,AFC 清分服务器,Huawei 2288H V5,4,控制中心机房\n"
             "应用系统,AFC 清分系统,V3.1,一套,控制中心机房\n").encode("utf-8-sig")
ITEMS_GOOD = ITEMS_BAD.replace("一套".encode(), b"1")


def goto(page, live_server, path):
    page.goto(f"{live_server.url}{path}")


def import_file(page, content):
    page.set_input_files("#id_file", files=[{"name": "items.csv", "mimeType": "text/csv", "buffer": content}])
    click_and_wait(page, "#import-submit")


def test_presales_to_signed_contract(page, live_server, demo):
    from catalog.models import Calendar, ServiceTier
    from contracts.models import Contract, ContractReview
    from customers.models import Customer
    from presales.models import PresalesProposal, ServiceRequirement

    customer = Customer.objects.get(code="szmetro")
    tier = ServiceTier.objects.get(service__code="application", name="铜", status="approved")

    # Sales records the customer's current IT environment: a bad file is refused whole, with row and column.
    login(page, live_server, "sales")
    goto(page, live_server, customer.get_absolute_url())
    click_and_wait(page, "#import-items")
    import_file(page, ITEMS_BAD)
    error = page.locator("#import-error-table tr.import-error")
    assert error.count() == 1 and "数量" in error.inner_text() and "3" in error.inner_text()
    assert not customer.configuration_items.exists()
    shot(page, "presales-01-import-refused")
    import_file(page, ITEMS_GOOD)
    page.wait_for_url(re.compile(rf"/customers/customer/{customer.pk}/$"))
    assert page.locator("#configuration-items", has_text="AFC 清分系统").count() == 1
    shot(page, "presales-02-customer-environment")

    # Sales and the Service Department record the requirements (both are participants).
    goto(page, live_server, "/presales/servicerequirement/add/")
    page.fill("#id_title", "苏州轨道交通 AFC 清分系统应用运维需求")
    page.select_option("#id_customer", str(customer.pk))
    page.select_option("#id_participants", [str(demo["sales"].pk), str(demo["svc_staff"].pk)])
    page.fill("#id_goals", "保障 AFC 清分系统稳定运行，运营时段故障 1 小时内响应。")
    page.fill("#id_scope", "清分系统应用、Oracle 数据库与中间件。")
    page.fill("#id_requirements", "工作日驻场 1 人，运营时段电话支持，每月服务月报。")
    page.fill("#id_impact_regulation", "需满足等保 2.0 三级要求。")
    page.select_option("#id_service_window", str(Calendar.objects.get(name="5x8 北京").pk))
    page.fill("#id_availability_percent", "99.9")
    page.fill("#id_tickets_per_month", "400")
    page.fill("#id_targets-0-response_minutes", "60")
    page.fill("#id_targets-0-resolution_minutes", "960")
    page.fill("#id_skills-0-skill", "Oracle / MySQL 数据库 (OCP)")
    page.select_option("#id_skills-0-level", "expert")
    shot(page, "presales-03-requirement-form")
    click_and_wait(page, "#save-button")
    page.wait_for_url(re.compile(r"/presales/servicerequirement/\d+/$"))
    requirement = ServiceRequirement.objects.get(title="苏州轨道交通 AFC 清分系统应用运维需求")
    assert requirement.missing_participants() == []
    transition(page, "submit", "需求已与客户确认")
    logout(page)
    login(page, live_server, "svc_manager")
    goto(page, live_server, requirement.get_absolute_url())
    transition(page, "approve", "需求明确")
    requirement.refresh_from_db()
    assert requirement.status == "approved"
    logout(page)

    # The Service Department drafts the proposal from the requirement; the fit check shows a miss.
    login(page, live_server, "svc_staff")
    goto(page, live_server, requirement.get_absolute_url())
    click_and_wait(page, "#start-proposal")
    assert "AFC 清分系统" in page.locator("#id_environment_summary").input_value()
    page.fill("#id_solution", "驻场工程师 1 名负责日常巡检与一线处理，Oracle 专家远程二线支持。")
    page.select_option("#id_lines-0-tier", str(tier.pk))
    page.fill("#id_lines-0-price", "400000")
    click_and_wait(page, "#save-button")
    page.wait_for_url(re.compile(r"/presales/presalesproposal/\d+/$"))
    proposal = PresalesProposal.objects.get(requirement=requirement)
    assert page.locator("#transition-submit").is_disabled(), "no fit check yet"
    click_and_wait(page, "#run-fit-check")
    miss = page.locator("tr.fit-miss")
    assert miss.count() == 1 and "99.5" in miss.inner_text() and "99.9" in miss.inner_text()
    shot(page, "presales-04-fit-check-miss")

    # ... fixed by adjusting the line's draft SLA, checked again, submitted.
    click_and_wait(page, "#adjust-line-1")
    page.fill("#id_availability_target", "99.9")
    shot(page, "presales-05-adjust-draft-sla")
    click_and_wait(page, "#save-button")
    assert page.locator("#fit-stale").count() == 1
    click_and_wait(page, "#run-fit-check")
    assert page.locator("tr.fit-miss").count() == 0 and page.locator("tr.fit-meets").count() > 0
    transition(page, "submit", "售前方案提交评审")
    shot(page, "presales-06-proposal-submitted")
    logout(page)

    # Sales cannot approve the proposal; the Service Department manager does.
    login(page, live_server, "sales")
    goto(page, live_server, proposal.get_absolute_url())
    assert page.locator("#transition-approve").count() == 0
    logout(page)
    login(page, live_server, "svc_manager")
    goto(page, live_server, proposal.get_absolute_url())
    transition(page, "approve", "符合性检查全部满足，同意")
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    logout(page)

    # Sales drafts the contract from the approved proposal and submits it with its SLA.
    login(page, live_server, "sales")
    goto(page, live_server, proposal.get_absolute_url())
    click_and_wait(page, "#draft-contract")
    page.fill("#id_title", "苏州轨道交通 AFC 清分系统应用运维服务合同")
    page.fill("#id_start_date", "2026-12-01")
    shot(page, "presales-07-contract-from-proposal")
    click_and_wait(page, "#save-button")
    page.wait_for_url(re.compile(r"/contracts/contract/\d+/$"))
    contract = Contract.objects.get(title="苏州轨道交通 AFC 清分系统应用运维服务合同")
    assert contract.value == proposal.total_price and contract.sla().availability_target == Decimal("99.9")
    click_and_wait(page, "#edit-button")
    page.check("#id_involves_procurement")
    page.fill("#id_customer_signatory", "周建平（运营分公司副总经理）")
    page.fill("#id_company_signatory", "吴强（客户经理）")
    click_and_wait(page, "#save-button")
    transition(page, "submit", "合同及 SLA 提交评审")  # the SLA goes into review with its contract
    assert contract.sla().status == "in_review"
    logout(page)
    login(page, live_server, "svc_manager")
    goto(page, live_server, contract.get_absolute_url())
    transition(page, "approve", "同意，SLA 可交付")
    assert contract.sla().status == "approved"
    logout(page)

    # Signing is refused before the contract review has passed: the button says why.
    login(page, live_server, "sales")
    goto(page, live_server, contract.get_absolute_url())
    assert page.locator("#transition-sign").is_disabled()
    with translation.override("zh-hans"):  # the UI runs in Chinese
        reason = str(REVIEW_PASSED.message)
    assert reason in page.locator("#workflow-actions").inner_text()
    shot(page, "presales-08-signing-blocked")
    logout(page)

    # The Service Department starts the review; its opinion is pre-filled from the proposal's fit check.
    login(page, live_server, "svc_staff")
    goto(page, live_server, contract.get_absolute_url())
    click_and_wait(page, "#start-review")
    click_and_wait(page, "#save-button")
    page.wait_for_url(re.compile(r"/contracts/contractreview/\d+/$"))
    review = ContractReview.objects.get(contract=contract)
    transition(page, "submit", "请服务部、商务部评审")
    service_form = page.locator("#opinion-form-service")
    assert proposal.number in page.locator(".opinion[data-department='service']").inner_text()
    assert service_form.locator("textarea").input_value(), "pre-filled from the analysis"
    shot(page, "presales-09-review-opinion")
    click_and_wait(page, "#give-opinion-service")
    review.refresh_from_db()
    assert review.status == "in_review", "Commerce has not given its opinion yet"
    logout(page)

    login(page, live_server, "commerce")
    goto(page, live_server, review.get_absolute_url())
    page.check("#opinion-form-commerce input[value='conditional']")
    page.fill("#opinion-form-commerce textarea", "设备采购须在合格供方名录内比价。")
    click_and_wait(page, "#give-opinion-commerce")
    review.refresh_from_db()
    assert review.status == "approved"
    assert page.locator("#review-passes").count() == 1
    shot(page, "presales-10-review-passed")
    logout(page)

    # Now Sales signs; the SLA is signed with the contract and is measured from its effective date.
    login(page, live_server, "sales")
    goto(page, live_server, contract.get_absolute_url())
    click_and_wait(page, "#transition-sign")  # Sign… asks who signed for each party, with title and date
    page.fill("#id_customer_name", "林国栋")
    page.fill("#id_customer_title", "信息中心主任")
    page.fill("#id_provider_name", "吴强")
    page.fill("#id_provider_title", "客户经理")
    page.fill("#id_comment", "双方已盖章签署")
    shot(page, "presales-11a-sign-form")
    click_and_wait(page, "#sign-button")
    contract.refresh_from_db()
    assert [s.name for s in contract.signatories.all()] == ["林国栋", "吴强"]
    assert contract.is_signed and contract.sla().status == "signed"
    assert page.locator("#record-status").inner_text().strip() == contract.get_status_display()
    shot(page, "presales-11-contract-signed")
    click_and_wait(page, "#sla-link")
    assert page.locator("#sla-measured").count() == 1 and "2026-12-01" in page.locator("#sla-measured").inner_text()
    shot(page, "presales-12-sla-signed")
