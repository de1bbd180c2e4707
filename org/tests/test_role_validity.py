"""Time-limited roles: a role assignment with a window counts only inside it; an account holding no role valid now
cannot sign in (page and API token, with a message saying why), and its open sessions and tokens stop working."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from core.demo import DEMO_PASSWORD
from core.roles import ACCESS_ENDED, Role
from org.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def temp(demo):
    """A person holding the service staff role for one day from an hour ago."""
    user = User.objects.create_user("temp_staff", password=DEMO_PASSWORD, department=demo["svc_staff"].department)
    now = timezone.now()
    assignment = RoleAssignment.objects.create(user=user, role=Role.SERVICE_STAFF, valid_from=now - timedelta(hours=1),
                                               valid_until=now + timedelta(days=1))
    return user, assignment


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_a_role_counts_only_inside_its_window(temp):
    user, assignment = temp
    assert fresh(user).own_roles == {Role.SERVICE_STAFF}
    now = timezone.now()
    assert assignment.valid_at(now) and not assignment.valid_at(now + timedelta(days=2))
    assert not assignment.valid_at(now - timedelta(hours=2))
    assert RoleAssignment.objects.valid().filter(pk=assignment.pk).exists()
    assert not RoleAssignment.objects.valid(now + timedelta(days=2)).filter(pk=assignment.pk).exists()
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_until=now - timedelta(minutes=1))
    assert fresh(user).own_roles == frozenset()
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_from=now + timedelta(hours=1),
                                                           valid_until=now + timedelta(days=1))
    assert fresh(user).own_roles == frozenset()  # not begun yet


def test_an_open_ended_role_is_held_for_good(demo):
    assignment = RoleAssignment.objects.get(user=demo["pm"], role=Role.PROJECT_MANAGER)
    assert assignment.valid_from is None and assignment.valid_until is None
    assert Role.PROJECT_MANAGER in fresh(demo["pm"]).own_roles


def test_the_window_must_end_after_it_begins(temp):
    _user, assignment = temp
    assignment.valid_until = assignment.valid_from
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_sign_in_inside_the_window_and_refused_after_it_with_a_reason(temp):
    user, assignment = temp
    assert Client().post("/login/", {"username": user.username, "password": DEMO_PASSWORD}).status_code == 302
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    refused = Client(HTTP_ACCEPT_LANGUAGE="en").post("/login/", {"username": user.username,
                                                                 "password": DEMO_PASSWORD})
    assert refused.status_code == 200
    assert escape(str(ACCESS_ENDED)) in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_the_refusal_is_translated(temp):
    from django.utils import translation

    user, assignment = temp
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    refused = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post("/login/", {"username": user.username,
                                                                       "password": DEMO_PASSWORD})
    with translation.override("zh-hans"):
        expected = escape(str(ACCESS_ENDED))
    assert expected in refused.content.decode()


def test_an_open_session_ends_with_the_window(temp):
    user, assignment = temp
    browser = Client()
    assert browser.post("/login/", {"username": user.username, "password": DEMO_PASSWORD}).status_code == 302
    assert browser.get("/").status_code == 200
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    response = browser.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert browser.get("/api/org/departments/").status_code in (401, 403)


def test_an_api_token_is_not_issued_and_stops_working_after_the_window(temp):
    user, assignment = temp
    issued = APIClient().post("/api/token/", {"username": user.username, "password": DEMO_PASSWORD}, format="json")
    assert issued.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert api.get("/api/org/departments/").status_code == 200
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    refused = api.get("/api/org/departments/")
    assert refused.status_code == 401
    again = APIClient(HTTP_ACCEPT_LANGUAGE="en").post("/api/token/", {"username": user.username,
                                                                      "password": DEMO_PASSWORD}, format="json")
    assert again.status_code == 401 and again.json()["detail"] == str(ACCESS_ENDED)


def test_the_user_form_leaves_time_limited_roles_of_external_audits_alone(demo, client_for):
    """The administrator's user page neither offers the external auditor's role nor removes it on a save."""
    auditor = demo["ext_auditor"]
    page = client_for("admin").get(f"/org/user/{auditor.pk}/edit/")
    assert page.status_code == 200
    assert 'value="external_auditor"' not in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name not in ("roles", "new_password")}
    data["is_active"] = "on"
    response = client_for("admin").post(f"/org/user/{auditor.pk}/edit/", data)
    assert response.status_code in (200, 302)
    assert RoleAssignment.objects.filter(user=auditor, role=Role.EXTERNAL_AUDITOR).exists()


def test_a_delegation_never_hands_on_the_auditors_roles(demo):
    from org.models import Delegation

    now = timezone.now()
    Delegation.objects.create(delegator=demo["ext_auditor"], delegate=demo["svc_staff"], start=now - timedelta(hours=1),
                              end=now + timedelta(hours=1))
    assert Role.EXTERNAL_AUDITOR not in fresh(demo["svc_staff"]).delegated_roles
