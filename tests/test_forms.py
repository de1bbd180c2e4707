"""Forms people like (issue 11): errors summarised at the top and shown at the field, sections in columns,
choices that make sense (dependent on the chosen parent, owners from delivery roles), rows that stay put."""

import re

import pytest

from contracts.models import Contract
from core import records
from core.context import acting_as
from customers.models import Customer
from presales.models import ProposalLine
from presales.tests import helpers

REQUIREMENT_ADD = "/presales/servicerequirement/add/"


def test_errors_are_listed_at_the_top_linking_to_each_field_and_shown_at_the_field(client_for):
    page = client_for("sales").post(REQUIREMENT_ADD, {"title": "", "kind": "new"}).content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>\s*</div>|'
                        r'<div class="alert alert-danger error-summary".*?</ul>', page, re.S).group(0)
    assert page.index('id="form-errors"') < page.index('id="field-title"')  # above the fields
    for name in ("title", "customer", "goals"):
        assert f'href="#id_{name}"' in summary  # each error links to its field
        assert f'id="{name}-error"' in page  # and is shown at the field
    assert 'aria-invalid="true"' in page and 'aria-describedby="title-error"' in page
    assert "problems before saving" in summary


def test_chinese_summary(client_for):
    page = client_for("sales", "zh-hans").post(REQUIREMENT_ADD, {"title": ""}).content.decode()
    assert "保存前请更正" in page


def test_declared_sections_stand_side_by_side_on_wide_screens(client_for):
    page = client_for("sales").get(REQUIREMENT_ADD).content.decode()
    sections = re.findall(r'<fieldset class="col-12 col-lg-6 form-section', page)
    assert len(sections) == 4
    assert "Service levels and volume" in page
    # A form without declared sections flows its fields in two columns.
    plain = client_for("svc_staff").get("/catalog/service/add/").content.decode()
    assert 'class="col-12 col-lg-6 mb-3 form-field"' in plain


def test_a_change_offers_only_the_chosen_customers_contracts(demo, client_for):
    contract = Contract.objects.filter(status="signed").order_by("pk").first()
    other = Contract.objects.exclude(customer=contract.customer).order_by("pk").first()
    client = client_for("sales")
    # No customer chosen yet: no contract to pick; the customer's select reloads the contract choices.
    page = client.get(REQUIREMENT_ADD).content.decode()
    contract_select = re.search(r'<select name="contract".*?</select>', page, re.S).group(0)
    assert "<option value=\"" + str(contract.pk) not in contract_select
    assert f'hx-get="{REQUIREMENT_ADD}"' in page and 'hx-select="#id_contract"' in page
    # htmx asks the page again with the chosen customer: only that customer's contracts.
    page = client.get(REQUIREMENT_ADD, {"customer": contract.customer_id}, headers={"HX-Request": "true"}) \
        .content.decode()
    contract_select = re.search(r'<select name="contract".*?</select>', page, re.S).group(0)
    assert f'value="{contract.pk}"' in contract_select and f'value="{other.pk}"' not in contract_select
    # Posting another customer's contract is refused at the field.
    answer = client.post(REQUIREMENT_ADD, {"title": "变更", "kind": "change", "customer": contract.customer_id,
                                           "contract": other.pk}).content.decode()
    assert 'id="contract-error"' in answer


def test_owners_are_delivery_staff_not_the_general_manager_or_the_auditor(demo, client_for):
    from reporting.forms import ActionItemForm, action_owners

    owners = set(action_owners().values_list("username", flat=True))
    assert {"pm", "svc_staff"} <= owners and not {"gm", "auditor", "sales"} & owners
    form = ActionItemForm(user=demo["tsd_staff"])
    offered = {u.username for u in form["owner"].field.queryset}
    assert "gm" not in offered and "auditor" not in offered


def test_a_proposal_line_cannot_move_to_another_proposal(demo, client_for):
    requirement = helpers.requirement(demo["sales"], demo["svc_staff"])
    first = helpers.proposal(demo["svc_staff"], requirement)
    second = helpers.proposal(demo["svc_staff"], requirement)
    line = first.lines.get()
    # The row's page does not offer its record as a choice ...
    page = client_for("svc_staff").get(f"/presales/proposalline/{line.pk}/edit/").content.decode()
    assert re.search(r'<select name="proposal"[^>]*disabled', page)
    # ... the API refuses the move ...
    response = client_for("svc_staff").patch(f"/api/presales/proposal-lines/{line.pk}/", {"proposal": second.pk},
                                             content_type="application/json")
    assert response.status_code in (400, 403, 405)
    # ... and so does the write service every path goes through.
    from django.core.exceptions import ValidationError

    before = {"proposal_id": line.proposal_id}
    line.proposal = second
    with acting_as(demo["svc_staff"]), pytest.raises(ValidationError, match="stays with"):
        records.update(line, demo["svc_staff"], before)
    assert ProposalLine.objects.get(pk=line.pk).proposal_id == first.pk


def test_customer_choice_reload_keeps_what_was_typed(client_for):
    customer = Customer.objects.order_by("pk").first()
    page = client_for("sales").get(REQUIREMENT_ADD, {"customer": customer.pk}).content.decode()
    assert re.search(rf'<option value="{customer.pk}" selected>', page)
