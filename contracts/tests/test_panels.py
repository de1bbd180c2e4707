"""contracts and servicedata add themselves to earlier stages' pages through registered panels."""

from contracts.models import Contract


def test_the_proposal_page_lists_its_contracts_through_the_contracts_panel(client_for, demo):
    contract = Contract.objects.signed().exclude(proposal=None).first()
    proposal = contract.proposal
    page = client_for("sales").get(proposal.get_absolute_url()).content.decode()
    assert 'id="proposal-contracts"' in page and contract.get_absolute_url() in page
    assert 'id="draft-contract"' in page  # the proposal is approved and sales may draft contracts
    page = client_for("auditor").get(proposal.get_absolute_url()).content.decode()
    assert 'id="proposal-contracts"' in page and 'id="draft-contract"' not in page


def test_the_contract_page_leads_with_the_service_data_panel(client_for, demo):
    contract = Contract.objects.signed().first()
    page = client_for("auditor").get(contract.get_absolute_url()).content.decode()
    assert page.index('id="contract-service-links"') < page.index('id="attachments"')
    assert page.count('id="contract-service-links"') == 1
