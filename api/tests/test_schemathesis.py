"""Schemathesis against the running app: every operation of the API schema, valid and invalid input, unsafe methods.

The app is called in-process through its WSGI handler (no server, no network), with an administrator's token and
a sales user's (a role refused most of the API). Each operation runs in its own test, whose writes land in the test
database inside the test's transaction and are rolled back. Bounded: a few examples per operation and a fixed
seed, so a failure reproduces. Zero server errors and zero answers the schema does not describe (status code,
content type, body).
"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = {
    "seed": 20261130,
    # Every parameter's edge cases (the coverage phase) where they are cheap, on reads and deletes; request bodies
    # by a few generated examples, valid and invalid.
    "phases": {"coverage": {"unexpected-methods": []}},
    "operations": [{"include-method": ["POST", "PUT", "PATCH"], "phases": {"coverage": {"enabled": False}}}],
}


def served_schema():
    """What GET /api/schema/ answers in English (the same generator and cache as the view)."""
    from django.utils import translation

    from api.schema import SchemaView

    with translation.override("en"):
        return SchemaView.schema_for_language()


schema = schemathesis.openapi.from_dict(served_schema(), config=SchemathesisConfig.from_dict(CONFIG)).exclude(
    # Revoking the token the run signs in with would leave every later call unsigned (tested in org/tests).
    path="/api/token/", method="DELETE")


@pytest.fixture
def wsgi_app():
    """The project's WSGI handler, kept from closing the test's database connection after each request (as
    Django's test client does), so every call runs inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from servplan.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["admin", "sales"])
def token(request, demo):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=demo[request.param]).key


def point_at_existing_rows(case):
    """A generated integer id names a row that exists (chosen by the id), so the call gets past the lookup to
    the code behind it; ids that are not integers still test the 404."""
    from django.urls import resolve

    for name, value in case.path_parameters.items():
        if isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit():
            view = resolve(re.sub(r"\{[^}]+\}", "0", case.operation.path)).func.cls
            lookup = getattr(view, "lookup_field", "pk")
            rows = list(view.queryset.model.objects.order_by("pk").values_list(lookup, flat=True)[:100])
            if rows:
                case.path_parameters[name] = rows[int(value) % len(rows)]


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case, token, wsgi_app):
    point_at_existing_rows(case)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS, app=wsgi_app)
