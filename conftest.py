"""Shared fixtures: the demo company, a client signed in as any role, and skip rules.

Outside CI a test that needs a missing service (Chromium, poppler, PostgreSQL)
skips and says why; with CI=true the same test fails instead, so nothing is
silently skipped in CI.
"""

import io
import os

import pytest
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, why: str):
    """Skip outside CI, fail in CI, when a needed service or tool is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo company once per test database; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def demo(db):
    """The demo users by user name. Reloaded when a transactional test flushed the database."""
    from org.models import User

    if not User.objects.filter(username="admin").exists():
        call_command("load_demo", stdout=io.StringIO())
    return {u.username: u for u in User.objects.all()}


@pytest.fixture(autouse=True)
def english_messages(request):
    """Unit tests read messages in English (the source language); Chinese is tested on purpose where it matters.

    Browser tests are left alone: they run the UI in its default language, Chinese.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client, demo):
    """client_for("svc_manager", language="en") -> a test client signed in as that demo user."""
    from django.test import Client

    def make(username, language="en"):
        c = Client(headers={"accept-language": language})
        c.force_login(demo[username])
        return c

    return make


@pytest.fixture
def queries_of():
    """queries_of(client, url, params=None) -> how many SQL statements a successful GET ran (query budgets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url, params=None):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params or {})
        assert response.status_code == 200, url
        return len(captured.captured_queries)

    return count
