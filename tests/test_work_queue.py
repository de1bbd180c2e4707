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
