"""The contract export is a contract a customer can sign: parties, scope, service levels, terms, payment and the
signatories captured at signing; tables numbered without gaps; people and dates from the approval trail, in local
time (issue 11, "Documents fit to send")."""

import re
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core.exporting import build_document, export_record
from core.models import TransitionLog
from core.tests.test_exports import run_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(demo):
    return Contract.objects.get(title=CHAIN_TITLE, status="signed")


def pdf_text(record, tmp_path, language="zh-hans"):
    with translation.override(language):
        content = export_record(record, "pdf")[0]
    return "".join(run_tool("pdftotext", content, tmp_path).split()), content


def test_contract_pdf_has_parties_scope_terms_payment_and_signatories(contract, tmp_path):
    text, content = pdf_text(contract, tmp_path)
    customer = contract.customer
    signatories = list(contract.signatories.all())
    assert [s.party for s in signatories] == ["customer", "provider"]
    with translation.override("zh-hans"):
        priorities = [t.get_priority_display() for t in contract.sla().priority_targets.all()]
    expected = [
        customer.name, customer.address, settings.SERVPLAN_COMPANY_NAME, settings.SERVPLAN_COMPANY_ADDRESS,  # parties
        *[line.service.name for line in contract.service_lines.all()], contract.service_sites.splitlines()[0],  # scope
        *priorities,  # service levels
        contract.renewal_terms, contract.termination_terms, contract.confidentiality_terms,  # terms
        *[m.name for m in contract.milestones.all()], f"{contract.value:,.2f}",  # payment
        *[s.name for s in signatories], *[s.title for s in signatories], str(signatories[0].signed_on),  # signed
    ]
    for value in expected:
        assert "".join(str(value).split()) in text, value
    for heading in ("合同双方", "服务范围", "服务级别", "合同条款", "付款", "签署"):
        assert heading in text, heading
    numbers = [int(n) for n in re.findall(r"表(\d+)", text)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5  # 表1, 表2, … without gaps

    fonts = run_tool("pdffonts", content, tmp_path)
    embedded = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all(name.startswith("Noto-Sans-SC") for name in embedded), fonts


def test_reviewer_and_approver_are_the_people_who_decided(contract):
    document = build_document(contract, language="en")
    rows = {line.role_label: line.name for line in document.signatures}
    approval = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(Contract),
                                            object_id=contract.pk, transition="approve").latest("at")
    assert rows["Prepared by"] == str(contract.author)
    assert rows["Approved by"] == str(approval.user) != str(contract.author)
    assert rows["Reviewed by"] == str(approval.user)  # one approver: reviewed and approved by them
    assert document.confidentiality == "Customer confidential"  # the customer's copy, not "Internal"


def test_dates_in_the_export_are_the_local_dates_of_the_page(contract, client_for, tmp_path):
    """Approved at 2026-11-29 20:30 UTC is 2026-11-30 04:30 in Beijing: the page and the PDF say the 30th."""
    late_evening = datetime(2026, 11, 29, 20, 30, tzinfo=UTC)
    log = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(Contract),
                                       object_id=contract.pk, transition="approve")
    log.update(at=late_evening)
    Contract.objects.filter(pk=contract.pk).update(approved_at=late_evening)
    contract.refresh_from_db()
    page = client_for("sales", "zh-hans").get(contract.get_absolute_url()).content.decode()
    assert "2026-11-30 04:30" in page and "2026-11-29 20:30" not in page
    document = build_document(contract, language="zh-hans")
    assert str(document.effective_date) == "2026-11-30"
    assert str([s for s in document.signatures if s.role_label == "批准"][0].date) == "2026-11-30"
    text, _content = pdf_text(contract, tmp_path)
    assert "生效日期2026-11-30" in text and "2026-11-29" not in text


def _ready_to_sign(demo):
    """A contract from an approved proposal, approved with its SLA and a passed review: only the signature left."""
    from contracts.models import ContractReview
    from contracts.services import contract_from_proposal, ensure_opinions, give_opinion
    from core import records, workflow
    from core.context import acting_as
    from presales.tests import helpers

    sales, staff, manager = demo["sales"], demo["svc_staff"], demo["svc_manager"]
    requirement = helpers.requirement(sales, staff, approve_by=manager, availability_percent="99.5")
    proposal = helpers.proposal(staff, requirement, check=True)
    with acting_as(staff):
        workflow.fire(proposal, "submit", staff)
    with acting_as(manager):
        workflow.fire(proposal, "approve", manager)
    with acting_as(sales):
        contract = contract_from_proposal(proposal, sales, title="签署测试合同", start_date=date(2026, 12, 1),
                                          end_date=date(2027, 11, 30))
        workflow.fire(contract.sla(), "submit", sales)
        workflow.fire(contract, "submit", sales)
    with acting_as(manager):
        workflow.fire(contract.sla(), "approve", manager)
        workflow.fire(contract, "approve", manager)
    with acting_as(staff):
        review = records.create(ContractReview(contract=contract, owner_department=staff.department), staff)
        ensure_opinions(review, staff)
        workflow.fire(review, "submit", staff)
        give_opinion(review.opinions.get(), staff, "agree", "同意")
    contract.refresh_from_db()
    return contract


def test_sign_opens_a_form_that_asks_who_signed_for_each_party(demo, client_for):
    contract = _ready_to_sign(demo)
    client = client_for("sales", "zh-hans")
    detail = client.get(contract.get_absolute_url()).content.decode()
    url = f"/contracts/contract/{contract.pk}/sign/"
    assert f'href="{url}" id="transition-sign"' in detail  # Sign… opens the form instead of firing at once
    assert client_for("svc_staff").get(url).status_code == 403
    form = client.get(url)
    assert form.context["form"].initial["customer_signed_on"] == timezone.localdate()  # signed today, unless told
    missing_title = {"customer_name": "林国栋", "customer_title": "", "customer_signed_on": "2026-11-30",
                     "provider_name": "吴强", "provider_title": "客户经理", "provider_signed_on": "2026-11-30"}
    refused = client.post(url, missing_title)
    assert refused.status_code == 200 and 'data-field="customer_title"' in refused.content.decode()
    contract.refresh_from_db()
    assert contract.status == "approved" and not contract.signatories.exists()
    done = client.post(url, {**missing_title, "customer_title": "信息中心主任", "comment": "双方盖章"})
    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "signed" and contract.sla().status == "signed"
    assert [(s.name, s.title) for s in contract.signatories.all()] == [("林国栋", "信息中心主任"), ("吴强", "客户经理")]
    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'id="contract-signatories"' in page and "信息中心主任" in page and "客户（甲方）" in page
