"""The work queue across the stages (core.worklist with the contracts, projects and reporting sources): after
each step the next actor, and only they, is given the next step as a link to the form that takes it."""

import pytest

from core.context import acting_as
from core.worklist import Kind, items_for
from projects.tests.helpers import demo_contract, sign_contract_for_test

pytestmark = pytest.mark.django_db


def keyed(user):
    return {item.key: item for item in items_for(user)}


def test_from_the_approved_contract_to_the_initiation_application(demo, client_for):
    from projects import services

    contract = demo_contract()
    review_key = f"contract_review:contract={contract.number}:v{contract.version}"
    item = keyed(demo["sales"])[review_key]
    assert item.kind == Kind.WRITE and item.url.endswith(f"?contract={contract.pk}")
    assert f'<option value="{contract.pk}" selected>' in client_for("sales").get(item.url).content.decode()
    assert review_key not in keyed(demo["svc_manager"]) and review_key not in keyed(demo["admin"])

    sign_contract_for_test(contract)
    open_key = f"open_project:contract={contract.number}:v{contract.version}"
    assert review_key not in keyed(demo["sales"])
    for name in ("svc_manager", "svc_staff"):
        item = keyed(demo[name])[open_key]
        assert item.url == f"/projects/project/add/?contract={contract.pk}"
    page = client_for("svc_manager").get(item.url).content.decode()
    assert f'<option value="{contract.pk}" selected>' in page
    for name in ("pm", "sales", "admin", "tsd_director"):
        assert open_key not in keyed(demo[name]), name

    with acting_as(demo["svc_manager"]):
        project = services.open_project(contract, demo["svc_manager"])
    assert open_key not in keyed(demo["svc_manager"])
    appoint_key = f"appoint_manager:project={project.pk}"
    assert keyed(demo["svc_manager"])[appoint_key].url == project.get_absolute_url()
    assert appoint_key not in keyed(demo["svc_staff"])  # only the manager appoints

    with acting_as(demo["svc_manager"]):
        services.appoint_manager(project, demo["pm"], demo["svc_manager"])
    assert appoint_key not in keyed(demo["svc_manager"])
    item = keyed(demo["pm"])[f"initiation_application:project={project.pk}"]
    assert item.url == f"/projects/initiationapplication/add/?project={project.pk}"
    assert client_for("pm").get(item.url).status_code == 200
    assert f"initiation_application:project={project.pk}" not in keyed(demo["member"])


def test_the_home_page_query_count_does_not_grow_with_the_items(demo, client_for, queries_of):
    from datetime import timedelta

    from django.utils import timezone

    from core import records
    from reporting.models import ActionItem, MeetingMinutes

    client = client_for("pm")
    before = queries_of(client, "/")
    minutes = MeetingMinutes.objects.order_by("pk").first()
    user = demo["tsd_staff"]
    with acting_as(user):
        for i in range(5):
            records.create(ActionItem(minutes=minutes, description=f"跟进事项 {i}", owner=demo["pm"],
                                      due_date=timezone.localdate() + timedelta(days=i)), user)
    assert sum(1 for item in items_for(demo["pm"]) if item.key.startswith("action:")) >= 5
    assert queries_of(client, "/") == before


def test_pre_sales_steps_go_to_who_takes_them(demo, client_for):
    from contracts.models import Contract
    from core import records
    from presales.models import PresalesProposal, ServiceRequirement

    requirement = ServiceRequirement.objects.get(number="SP-REQ-2026-0001")
    with acting_as(demo["sales"]):
        revised = records.new_version(requirement, demo["sales"])
    ServiceRequirement.objects.filter(pk=revised.pk).update(status="approved")  # as if approved again
    key = f"proposal:requirement={revised.number}:v{revised.version}"
    item = keyed(demo["svc_staff"])[key]
    assert item.url == f"/presales/presalesproposal/add/?requirement={revised.pk}"
    assert client_for("svc_staff").get(item.url).status_code == 200
    assert key not in keyed(demo["sales"]) and key not in keyed(demo["pm"])

    proposal = PresalesProposal.objects.get(number="SP-PROP-2026-0001")
    key = f"contract:proposal={proposal.number}:v{proposal.version}"
    assert key not in keyed(demo["sales"])  # its contract is drafted
    Contract.objects.filter(proposal=proposal).update(proposal=None)
    item = keyed(demo["sales"])[key]
    assert client_for("sales").get(item.url).status_code == 200
    assert key not in keyed(demo["svc_staff"])
