"""Accounts: password rules wherever a password is set, session age, expiring and revocable API tokens."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.demo import DEMO_PASSWORD
from core.models import AuditEntry
from org.forms import UserForm
from org.models import User

WEAK = [
    ("8264019375", "entirely numeric"),
    ("jsmith20262026", "name plus digits"),
    ("smithjohn1990", "name plus digits"),
    ("Qx7#mPz2w", "too short"),
    ("password123", "too common"),
]


def refusals(password, user):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@pytest.mark.parametrize("password,rule", WEAK)
def test_weak_passwords_are_refused_naming_the_rule(password, rule):
    user = User(username="jsmith", first_name="John", last_name="Smith", email="jsmith@example.com")
    assert rule in refusals(password, user)


def test_the_demo_password_passes_for_every_demo_user(demo):
    assert {name: refusals(DEMO_PASSWORD, user) for name, user in demo.items()} == dict.fromkeys(demo, "")


def test_the_user_form_checks_a_new_users_password_against_their_names(demo):
    data = {"username": "jsmith", "last_name": "Smith", "first_name": "John", "email": "", "is_active": "on",
            "new_password": "jsmith20262026"}
    form = UserForm(data=data)
    assert not form.is_valid()
    assert "name plus digits" in " ".join(form.errors["new_password"])
    form = UserForm(data={**data, "new_password": "pale-violet-harbour"})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("password,rule", [("20262026", "too short"), ("31415926535", "entirely numeric")])
def test_the_password_change_page_applies_the_rules(client_for, demo, password, rule):
    response = client_for("pm").post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200 and rule in response.content.decode()
    demo["pm"].refresh_from_db()
    assert demo["pm"].check_password(DEMO_PASSWORD)


def test_sessions_last_a_working_day_by_default(client, demo):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    response = client.post(reverse("login"), {"username": "pm", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 10 * 3600


# API tokens


def token_for(username):
    response = APIClient().post("/api/token/", {"username": username, "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def token_entries(owner):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Token), object_id=str(owner.pk))


def test_an_expired_token_is_refused_and_a_new_one_issued(demo):
    key = token_for("pm")
    assert api(key).get("/api/org/users/").status_code == 200
    Token.objects.filter(key=key).update(
        created=timezone.now() - timedelta(hours=settings.SERVPLAN_API_TOKEN_HOURS, minutes=1))
    response = api(key).get("/api/org/users/")
    assert response.status_code == 401 and "/api/token/" in response.json()["detail"]  # how to get a new one
    fresh = token_for("pm")
    assert fresh != key and api(fresh).get("/api/org/users/").status_code == 200
    assert list(token_entries(demo["pm"]).values_list("action", "comment")) == [
        ("create", "issued"), ("delete", "expired"), ("create", "issued")]


def test_the_owner_revokes_their_token(demo):
    key = token_for("pm")
    assert token_for("pm") == key  # asking again gives the same token while it is valid
    assert api(key).delete("/api/token/").status_code == 204
    assert api(key).get("/api/org/users/").status_code == 401
    entry = token_entries(demo["pm"]).latest("seq")
    assert (entry.action, entry.comment, entry.username) == ("delete", "revoked by its owner", "pm")
    assert key not in entry.object_repr


def test_an_administrator_revokes_anyones_token(demo):
    key = token_for("pm")
    admin = token_for("admin")
    assert api(admin).delete(f"/api/token/?user={demo['pm'].pk}").status_code == 204
    assert api(key).get("/api/org/users/").status_code == 401
    assert api(admin).get("/api/org/users/").status_code == 200
    entry = token_entries(demo["pm"]).latest("seq")
    assert (entry.action, entry.comment, entry.username) == ("delete", "revoked by an administrator", "admin")
    assert api(admin).delete(f"/api/token/?user={demo['pm'].pk}").status_code == 404


def test_a_non_administrator_cannot_revoke_another_users_token(demo):
    victim = token_for("svc_manager")
    response = api(token_for("pm")).delete(f"/api/token/?user={demo['svc_manager'].pk}")
    assert response.status_code == 403
    assert Token.objects.filter(key=victim).exists()
    assert APIClient().delete("/api/token/").status_code in (401, 403)
