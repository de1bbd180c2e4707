"""The permission matrix, tested from the matrix itself: each role gets exactly what it says."""

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from api.urls import router
from core.permissions import MATRIX
from core.registry import registry
from core.roles import OUTSIDE, Role
from core.workflow import acting_capacity

ROLE_USER = {
    Role.GENERAL_MANAGER: "gm", Role.MANAGEMENT_REP: "mr", Role.TSD_DIRECTOR: "tsd_director",
    Role.TSD_STAFF: "tsd_staff", Role.SERVICE_MANAGER: "svc_manager", Role.SERVICE_STAFF: "svc_staff",
    Role.PROJECT_MANAGER: "pm", Role.TEAM_MEMBER: "member", Role.COMMERCE: "commerce", Role.SALES: "sales",
    Role.AUDITOR: "auditor", Role.ADMIN: "admin",
    Role.EXTERNAL_AUDITOR: "ext_auditor",  # the demo external audit's auditor (assurance.demo), inside its sample
    Role.CUSTOMER: "customer",  # the demo customer contact (portal.demo), outside the company
}
# Models whose rows are managed on another model's page (roles on the user form).
NO_OWN_PAGES = {"org.roleassignment"}
SPECIAL_LIST_PAGES = {"core.recordindex": "core:register", "core.auditentry": "core:audit",
                      # the company's one security settings page holds the settings and their escalation chain
                      "security.securitysettings": "security:settings", "security.escalationstep": "security:settings"}


def api_prefixes():
    return {viewset.queryset.model._meta.label_lower: f"/api/{prefix}/" for prefix, viewset, _ in router.registry}


def refused(role):
    """How an API call the matrix refuses is answered: 403, and 404 to a customer contact (for whom what is not
    shared does not exist, core.middleware.OutsidePagesMiddleware)."""
    return 404 if role in OUTSIDE else 403


def customer_facing_api(url):
    """Whether the page or API of the URL is made for the customer (core.middleware.customer_facing)."""
    from django.urls import resolve

    from core.middleware import is_customer_facing

    return is_customer_facing(resolve(url).func)


def list_page(label):
    if label in SPECIAL_LIST_PAGES:
        return reverse(SPECIAL_LIST_PAGES[label])
    app, model = label.split(".")
    try:
        return reverse(f"{app}:{model}_list")
    except NoReverseMatch:
        return None


def add_page(label):
    app, model = label.split(".")
    try:
        return reverse(f"{app}:{model}_add")
    except NoReverseMatch:
        return None


CASES = [(label, role) for label in MATRIX for role in Role.values]


def test_every_matrix_entry_has_a_page_or_api():
    missing = [label for label in MATRIX if label not in NO_OWN_PAGES
               and list_page(label) is None and label not in api_prefixes()]
    assert not missing, f"matrix entries without page or API: {missing}"


def test_every_role_has_a_demo_user():
    assert set(ROLE_USER) == set(Role.values)


@pytest.mark.parametrize("label,role", CASES)
def test_view_matches_matrix(label, role, client_for):
    client = client_for(ROLE_USER[role])
    expected = role in MATRIX[label].get("view", ())
    page = list_page(label)
    if page and role in OUTSIDE:  # a customer contact reads through the portal, the API and their own inbox
        status = client.get(page).status_code
        assert status == (200 if expected and customer_facing_api(page) else 404), (label, role, page, status)
    elif page:
        assert (client.get(page).status_code == 200) == expected, (label, role, page)
        if not expected:
            assert client.get(page).status_code == 403
    api = api_prefixes().get(label)
    if api:
        if role in OUTSIDE:  # the customer reaches only the API made for them
            expected = expected and customer_facing_api(api)
        status = client.get(api).status_code
        assert status == (200 if expected else refused(role)), (label, role, api, status)


@pytest.mark.parametrize("label,role", CASES)
def test_add_matches_matrix(label, role, client_for):
    client = client_for(ROLE_USER[role])
    expected = role in MATRIX[label].get("add", ())
    page = add_page(label)
    if page:
        status = client.get(page).status_code
        assert status == (404 if role in OUTSIDE else 200 if expected else 403), (label, role, page, status)
    api = api_prefixes().get(label)
    if api:
        status = client.post(api, {}, content_type="application/json").status_code
        # A customer contact who reads the list (made for them) is refused the write (403); an API not made for
        # them does not exist for them (404).
        visible = role not in OUTSIDE or customer_facing_api(api) and role in MATRIX[label].get("view", ())
        if expected and visible:
            assert status not in (403, 404), (label, role, api)
        else:
            assert status in (403 if visible else 404, 405), (label, role, api, status)


def test_anonymous_is_sent_to_login(client, demo):
    for label in MATRIX:
        page = list_page(label)
        if page:
            response = client.get(page)
            assert response.status_code == 302 and "/login/" in response["Location"]
        api = api_prefixes().get(label)
        if api:
            assert client.get(api).status_code in (401, 403)


@pytest.mark.parametrize("role", Role.values)
def test_transitions_follow_matrix(role, demo):
    user = demo[ROLE_USER[role]]
    for record_type in registry:
        if not record_type.implemented:
            continue
        model = record_type.model
        for transition in record_type.workflow.transitions:
            allowed, _ = acting_capacity(user, model(), transition.name)
            if role in OUTSIDE:  # an empty record is no customer's: out of a customer contact's reach (core.scopes)
                assert not allowed, (record_type.code, transition.name, role)
                continue
            assert allowed == (role in MATRIX[model._meta.label_lower].get(transition.name, ())), \
                (record_type.code, transition.name, role)


@pytest.mark.parametrize("role", Role.values)
def test_approve_over_api_matches_matrix(role, demo, client_for):
    from core.tests.factories import procedure

    document = procedure(demo["admin"], submit=True)
    client = client_for(ROLE_USER[role])
    response = client.post(f"/api/documents/procedures/{document.pk}/transition/",
                           {"transition": "approve", "comment": "ok"}, content_type="application/json")
    expected = role in MATRIX["documents.proceduredocument"]["approve"]
    assert response.status_code == (200 if expected else refused(role)), response.content
    document.refresh_from_db()
    assert document.status == ("approved" if expected else "in_review")


def test_auditor_reads_everything_and_changes_nothing(client_for, demo):
    from core.tests.factories import procedure

    document = procedure(demo["svc_staff"], submit=True)
    auditor = client_for("auditor")
    # Reading produces two things of the auditor's own, neither of which changes a record: a compliance check
    # run (its findings) and an evidence pack.
    outputs_of_reading = {("assurance.compliancerun", "add"), ("assurance.evidencepack", "add")}
    for label in MATRIX:
        assert "auditor" in MATRIX[label].get("view", ()) or label == "core.auditentry"
        for action, roles in MATRIX[label].items():
            if action != "view" and (label, action) not in outputs_of_reading:
                assert Role.AUDITOR not in roles, (label, action)
    assert auditor.get("/audit/").status_code == 200
    response = auditor.post(f"/api/documents/procedures/{document.pk}/transition/", {"transition": "approve"},
                            content_type="application/json")
    assert response.status_code == 403
    assert auditor.patch(f"/api/documents/procedures/{document.pk}/", {"title": "x"},
                         content_type="application/json").status_code == 403


def test_every_matrix_label_is_a_model():
    for label in MATRIX:
        assert apps.get_model(label)
