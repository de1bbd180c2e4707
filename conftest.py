"""Shared fixtures: the demo company, a client signed in as any role, and skip rules.

Outside CI a test that needs a missing service (Chromium, poppler, PostgreSQL)
skips and says why; with CI=true the same test fails instead, so nothing is
silently skipped in CI.
"""

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


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    from org.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def client_for(client, demo):
    """client_for("svc_manager") -> a test client signed in as that demo user."""
    from django.test import Client

    def make(username):
        c = Client()
        c.force_login(demo[username])
        return c

    return make
