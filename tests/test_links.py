"""Links between records: every record page lists the records it comes from and leads to (core.relations),
only those the reader may see, with a query count that does not grow with the rows; the next step of the
procedure is a button on the record that enables it (core.extensions.register_action)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract, ContractReview
from core import records
from core.context import acting_as
from core.relations import relations_for
from projects.tests.helpers import demo_contract, sign_contract_for_test

pytestmark = pytest.mark.django_db


def related_links(html):
    return re.findall(r'<li class="list-group-item (upstream|downstream)">.*?<a href="([^"]+)">([^<]+)</a>', html)


def next_buttons(html):
    return dict(re.findall(r'id="next-([a-z-]+)" href="([^"]+)"', html))


def test_the_contract_page_links_its_proposal_sla_review_and_project(demo, client_for):
    contract = Contract.objects.get(number="SP-CON-2026-0004")
    links = related_links(client_for("svc_manager").get(contract.get_absolute_url()).content.decode())
    up = {label.split()[0] for kind, url, label in links if kind == "upstream"}
    down = {label.split()[0] for kind, url, label in links if kind == "downstream"}
    assert contract.proposal.number in up
    assert contract.sla().number in down and contract.reviews.get().number in down
    assert contract.projects.get().code in down
    project = contract.projects.get()
    project_links = related_links(client_for("pm").get(project.get_absolute_url()).content.decode())
    assert (("upstream", contract.get_absolute_url(), f"{contract.number} v{contract.version}") in project_links)
    assert {"SP-INIT-2026-0001", "SP-PLAN-2026-0001"} <= {label.split()[0] for _k, _u, label in project_links}


def test_relations_show_only_what_the_reader_may_see(demo):
    tier = Contract.objects.get(number="SP-CON-2026-0001").service_tier
    seen_by = {name: {r.label for r in relations_for(tier, demo[name])["down"]} for name in ("svc_manager", "pm")}
    assert "SP-CON-2026-0001 v1" in seen_by["svc_manager"]
    assert "SP-CON-2026-0001 v1" not in seen_by["pm"]  # not a contract of the PM's projects


def test_relations_cost_one_query_per_relation_not_per_row(demo):
    contract = Contract.objects.get(number="SP-CON-2026-0004")
    user = demo["svc_manager"]
    relations_for(contract, user)
    with CaptureQueriesContext(connection) as before:
        shown = relations_for(contract, user)
    sales = demo["sales"]
    with acting_as(sales):
        for i in range(4):
            records.create(ContractReview(contract=contract, title=f"补充评审 {i}", owner_department=sales.department),
                           sales)
    relations_for(contract, user)  # warm the reader's role cache again (a write resets it)
    with CaptureQueriesContext(connection) as after:
        grown = relations_for(contract, user)
    assert len(grown["down"]) == len(shown["down"]) + 4
    assert len(after.captured_queries) == len(before.captured_queries)


def test_next_steps_are_buttons_for_those_who_take_them(demo, client_for):
    contract = demo_contract()
    assert "open-project" not in next_buttons(client_for("svc_manager").get(contract.get_absolute_url()).content
                                              .decode())  # approved, not signed yet
    sign_contract_for_test(contract)
    page = client_for("svc_manager").get(contract.get_absolute_url()).content.decode()
    assert next_buttons(page) == {"open-project": f"/projects/project/add/?contract={contract.pk}"}
    assert "open-project" not in next_buttons(client_for("sales").get(contract.get_absolute_url()).content.decode())


def test_an_approved_work_plan_offers_a_change_request_once_no_change_is_open(demo, client_for):
    from projects.choices import WorkPlanStatus
    from projects.models import ChangeRequest, WorkPlan

    baseline = WorkPlan.objects.filter(status=WorkPlanStatus.APPROVED, project__status="open").order_by("-version") \
        .first()
    url = baseline.get_absolute_url()
    assert "request-change" not in next_buttons(client_for("pm").get(url).content.decode())  # a draft change is open
    open_changes = ChangeRequest.objects.filter(project=baseline.project_id, status__in=["draft", "requested",
                                                                                     "in_review"])
    assert open_changes.exists()
    open_changes.update(status="rejected")  # as if decided: the baseline stays
    buttons = next_buttons(client_for("pm").get(url).content.decode())
    assert buttons["request-change"] == f"/projects/changerequest/add/?project={baseline.project_id}"
    assert "request-change" not in next_buttons(client_for("auditor").get(url).content.decode())
    form = client_for("pm").get(buttons["request-change"]).content.decode()
    assert f'<option value="{baseline.pk}" selected>' in form


def test_related_records_in_a_record_s_fields_are_links(demo, client_for):
    from projects.models import InitiationApplication

    application = InitiationApplication.objects.order_by("pk").first()
    page = client_for("svc_manager").get(application.get_absolute_url()).content.decode()
    assert f'<a href="{application.project.get_absolute_url()}">' in page
    assert f'<a href="{application.contract.get_absolute_url()}">' in page


def test_the_internal_report_links_its_contracts_and_monthly_reports(demo, client_for):
    from reporting.models import InternalServiceReport, MonthlyServiceReport

    internal = InternalServiceReport.objects.exclude(snapshot={}).first()
    reports = {line["report"] for line in internal.snapshot["lines"] if line["report"]}
    assert reports, "the demo's internal report covers a written monthly report"
    page = client_for("tsd_director").get(internal.get_absolute_url()).content.decode()
    for report in MonthlyServiceReport.objects.filter(number__in=reports, year=internal.year, month=internal.month):
        assert f'<a href="{report.get_absolute_url()}">{report.number}</a>' in page
    pm_page = client_for("pm").get(internal.get_absolute_url()).content.decode()
    outside = [line for line in internal.snapshot["lines"] if line["contract"] == "SP-CON-2026-0001"]
    assert outside, "the company's report covers a contract outside the PM's projects"
    for line in outside:  # shown, but not as a link the PM could not open
        assert line["contract"] in pm_page and f'href="/contracts/contract/{line["contract_id"]}/"' not in pm_page
