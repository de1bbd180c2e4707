"""No hidden prerequisites (issue 11): the SLA is reviewed with its contract, its capacity is the customer's, every
refusal links to what fixes it, and only the submitter withdraws."""

import pytest

from contracts.models import Contract
from contracts.services import contract_from_proposal
from core import workflow
from core.context import acting_as
from core.models import TransitionLog
from presales.tests import helpers

JSON = "application/json"


def approved_proposal(demo, **requirement_fields):
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=demo["svc_manager"],
                                      **requirement_fields)
    proposal = helpers.proposal(demo["svc_staff"], requirement, check=True)
    with acting_as(demo["svc_staff"]):
        workflow.fire(proposal, "submit", demo["svc_staff"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(proposal, "approve", demo["svc_manager"])
    return proposal


def drafted_contract(demo, **requirement_fields):
    proposal = approved_proposal(demo, **requirement_fields)
    with acting_as(demo["sales"]):
        return contract_from_proposal(proposal, demo["sales"])


def sla_log(sla):
    return list(TransitionLog.objects.filter(object_id=sla.pk, content_type__model="servicelevelagreement")
                .order_by("pk").values_list("transition", "comment"))


# ---- capacity: the customer's requirement, not the tier template -----------------------------------------

def test_sla_and_contract_capacity_come_from_the_requirement(demo):
    contract = drafted_contract(demo, users=300, tickets_per_month=120, devices=40)
    line = contract.proposal.lines.get()
    assert (line.max_users, line.max_tickets_per_month, line.max_devices) == (300, 120, 40)
    sla = contract.sla()
    assert (sla.max_users, sla.max_tickets_per_month, sla.max_devices) == (300, 120, 40)
    assert (contract.user_limit, contract.monthly_ticket_limit, contract.ticket_limit) == (300, 120, 120)
    assert (sla.max_users, sla.max_tickets_per_month) != (line.tier.max_users, line.tier.max_tickets_per_month)


def test_the_tier_fills_in_only_what_the_requirement_leaves_open(demo):
    contract = drafted_contract(demo, users=None, tickets_per_month=90, devices=None)
    tier = contract.proposal.lines.get().tier
    sla = contract.sla()
    assert (sla.max_users, sla.max_tickets_per_month, sla.max_devices) == (tier.max_users, 90, tier.max_devices)


# ---- the SLA goes through review with its contract --------------------------------------------------------

def test_submitting_and_approving_the_contract_carries_its_sla(demo):
    contract = drafted_contract(demo)
    sla = contract.sla()
    with acting_as(demo["sales"]):
        workflow.fire(contract, "submit", demo["sales"])
    sla.refresh_from_db()
    assert sla.status == "in_review"
    with acting_as(demo["svc_manager"]):
        workflow.fire(contract, "approve", demo["svc_manager"], "同意")
    sla.refresh_from_db()
    assert sla.status == "approved" and sla.approved_at is not None
    # The SLA's own log records each step and names the contract that carried it.
    assert [name for name, _comment in sla_log(sla)] == ["submit", "approve"]
    assert all(contract.number in comment for _name, comment in sla_log(sla))
    # Signing now waits only on the contract review, not on a separate SLA approval.
    reasons = dict((t.name, r) for t, r in workflow.available(contract, demo["sales"]))["sign"]
    assert [str(r) for r in reasons] == ["A passed contract review of this version is needed before signing."]


def test_withdrawing_or_returning_the_contract_takes_its_sla_along(demo):
    contract = drafted_contract(demo)
    sla = contract.sla()
    with acting_as(demo["sales"]):
        workflow.fire(contract, "submit", demo["sales"])
        workflow.fire(contract, "withdraw", demo["sales"])
    sla.refresh_from_db()
    assert sla.status == "draft"
    with acting_as(demo["sales"]):
        workflow.fire(contract, "submit", demo["sales"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(contract, "return", demo["svc_manager"], "价格条款需调整")
    sla.refresh_from_db()
    assert sla.status == "returned"
    assert [name for name, _comment in sla_log(sla)] == ["submit", "withdraw", "submit", "return"]


def test_an_incomplete_sla_blocks_the_submission_with_a_link_to_it(demo, client_for):
    contract = drafted_contract(demo)
    sla = contract.sla()
    with acting_as(demo["sales"]):
        from core import records

        records.delete(sla.priority_targets.first(), demo["sales"])
    response = client_for("sales").post(f"/api/contracts/{contract.pk}/transition/", {"transition": "submit"},
                                        content_type=JSON)
    assert response.status_code == 400
    body = response.json()
    assert any("target for every priority" in m for m in body["detail"])
    assert {"label": f"Open {sla.number}", "url": sla.get_absolute_url()}.items() <= body["fixes"][0].items()
    contract.refresh_from_db()
    sla.refresh_from_db()
    assert (contract.status, sla.status) == ("draft", "draft")


# ---- refusals link to the fix ----------------------------------------------------------------------------

def test_refusals_link_to_what_fixes_them_on_the_page_and_in_the_api(demo, client_for):
    contract = drafted_contract(demo)
    with acting_as(demo["sales"]):
        workflow.fire(contract, "submit", demo["sales"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(contract, "approve", demo["svc_manager"], "同意")
    sales = client_for("sales")
    listed = {t["transition"]: t for t in sales.get(f"/api/contracts/{contract.pk}/transitions/").json()}
    fix = listed["sign"]["fixes"][0]
    assert fix["url"] == f"/contracts/contractreview/add/?contract={contract.pk}"
    assert fix["message"] == listed["sign"]["blocked_by"][0]
    page = sales.get(contract.get_absolute_url()).content.decode()
    assert f'class="refusal-fix" href="{fix["url"]}"' in page
    # Pressing it anyway: the message on the page carries the link, the API answer a `fixes` list.
    answer = sales.post(f"/api/contracts/{contract.pk}/transition/", {"transition": "sign"}, content_type=JSON)
    assert answer.status_code == 400 and answer.json()["fixes"][0]["url"] == fix["url"]
    followed = sales.post(f"/contracts/contract/{contract.pk}/transition/", {"transition": "sign"}, follow=True)
    assert f'href="{fix["url"]}"' in followed.content.decode()


def test_chinese_refusal_names_the_record_to_open(demo, client_for):
    contract = drafted_contract(demo)
    with acting_as(demo["sales"]):
        workflow.fire(contract, "submit", demo["sales"])
    with acting_as(demo["svc_manager"]):
        workflow.fire(contract, "approve", demo["svc_manager"], "同意")
    listed = {t["transition"]: t for t in
              client_for("sales", "zh-hans").get(f"/api/contracts/{contract.pk}/transitions/").json()}
    assert listed["sign"]["fixes"][0]["label"] == "发起合同评审"


# ---- withdraw: only whoever submitted -------------------------------------------------------------------

@pytest.mark.parametrize("record_kind", ["contract", "requirement"])
def test_only_the_submitter_is_offered_withdraw(demo, client_for, record_kind):
    if record_kind == "contract":
        record = drafted_contract(demo)
        submitter, reviewer = demo["sales"], demo["svc_manager"]
        api = f"/api/contracts/{record.pk}/"
    else:
        record = helpers.requirement(demo["sales"], demo["svc_staff"])
        submitter, reviewer = demo["sales"], demo["svc_manager"]
        api = f"/api/presales/requirements/{record.pk}/"
    with acting_as(submitter):
        workflow.fire(record, "submit", submitter)
    reviewer_client = client_for(reviewer.username)
    names = [t.name for t, _r in workflow.available(record, reviewer)]
    assert "approve" in names and "withdraw" not in names
    assert 'id="transition-withdraw"' not in reviewer_client.get(record.get_absolute_url()).content.decode()
    assert "withdraw" not in [t["transition"] for t in reviewer_client.get(api + "transitions/").json()]
    refused = reviewer_client.post(api + "transition/", {"transition": "withdraw"}, content_type=JSON)
    assert refused.status_code == 403
    submitter_client = client_for(submitter.username)
    assert 'id="transition-withdraw"' in submitter_client.get(record.get_absolute_url()).content.decode()
    done = submitter_client.post(api + "transition/", {"transition": "withdraw"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["status"] == "draft"


def test_the_demo_contracts_were_signed_without_separate_sla_steps(demo):
    for contract in Contract.objects.filter(status="signed", predecessor__isnull=True):
        sla = contract.sla()
        assert sla.status == "signed"
        assert all(contract.number in comment for _name, comment in sla_log(sla))


def test_a_volume_beyond_the_tier_is_offered_at_the_tiers_limit(demo):
    tier = helpers.tier()
    assert tier.max_tickets_per_month  # the demo tier has a ceiling
    contract = drafted_contract(demo, tickets_per_month=tier.max_tickets_per_month + 1)
    assert contract.sla().max_tickets_per_month == tier.max_tickets_per_month
    fit = {(r["item"], r["priority"]): r for r in contract.proposal.fit_check["lines"][0]["rows"]}
    assert not fit[("tickets", "")]["meets"]


def test_a_service_refusal_links_to_the_record_that_fixes_it(demo):
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"], approve_by=demo["svc_manager"])
    proposal = helpers.proposal(demo["svc_staff"], requirement)
    with acting_as(demo["sales"]), pytest.raises(workflow.WorkflowError) as refused:
        contract_from_proposal(proposal, demo["sales"])
    assert refused.value.fixes[0].url == proposal.get_absolute_url()
    assert refused.value.fixes[0].label == f"Open {proposal.number}"
