"""Schemathesis against the running app: every operation of the API schema, valid and invalid input, unsafe methods.

The app is called in-process through its WSGI handler (no server, no network), with an administrator's token and
a sales user's (a role refused most of the API). Each operation runs in its own test, whose writes land in the test
database inside the test's transaction and are rolled back. Bounded: a few examples per operation and a fixed
seed, so a failure reproduces. Zero server errors and zero answers the schema does not describe (status code,
content type, body).
"""

import copy
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
# Every parameter's edge cases (the coverage phase) where they are cheap, on the administrator's reads and deletes;
# request bodies, and everything the sales user tries, by a few generated examples, valid and invalid.
ADMIN = {"seed": 20261130, "phases": {"coverage": {"unexpected-methods": []}},
         "operations": [{"include-method": ["POST", "PUT", "PATCH"], "phases": {"coverage": {"enabled": False}}}]}
SALES = {"seed": 20261130, "phases": {"coverage": {"enabled": False}}}


def served_schema():
    """What GET /api/schema/ answers in English (the same generator and cache as the view)."""
    from django.utils import translation

    from api.schema import SchemaView

    with translation.override("en"):
        return SchemaView.schema_for_language()


def fuzzed(config):
    config = SchemathesisConfig.from_dict(config)
    return schemathesis.openapi.from_dict(copy.deepcopy(served_schema()), config=config).exclude(
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


def token_of(user):
    from rest_framework.authtoken.models import Token

    return Token.objects.create(user=user).key


@pytest.fixture
def admin_token(demo):
    return token_of(demo["admin"])


@pytest.fixture
def sales_token(demo):
    return token_of(demo["sales"])


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


def call_and_validate(case, token, app):
    point_at_existing_rows(case)
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS, app=app)


SETTINGS = {"deadline": None, "derandomize": True, "database": None, "suppress_health_check": list(HealthCheck)}


@fuzzed(ADMIN).parametrize()
@settings(max_examples=3, **SETTINGS)
def test_api_matches_its_schema_for_an_administrator(case, admin_token, wsgi_app):
    call_and_validate(case, admin_token, wsgi_app)


@fuzzed(SALES).parametrize()
@settings(max_examples=2, **SETTINGS)
def test_api_matches_its_schema_for_a_sales_user(case, sales_token, wsgi_app):
    call_and_validate(case, sales_token, wsgi_app)
