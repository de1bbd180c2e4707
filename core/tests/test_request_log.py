"""A refused request is logged in one line (method, path, user, status, request id), without a traceback."""

import logging

import pytest
from rest_framework.test import APIClient


def refused_lines(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.parametrize("username,url,status", [
    ("member", "/audit/", 403),          # PermissionDenied in a page
    ("pm", "/org/users/999999/", 404),        # Http404
])
def test_a_refused_page_is_one_line_without_traceback(caplog, client_for, username, url, status):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(username).get(url, headers={"x-request-id": "req-refused-1"})
    assert response.status_code == status
    [record] = refused_lines(caplog)
    assert record.exc_info is None and record.exc_text is None
    line = record.getMessage()
    assert "\n" not in line
    for part in ("GET", url, f"status={status}", f"user={username}", "request_id=req-refused-1"):
        assert part in line


def test_a_refused_api_call_is_one_line(caplog, demo):
    client = APIClient()
    client.force_authenticate(demo["pm"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post("/api/org/delegations/", {}, format="json")
    assert response.status_code == 400
    [record] = refused_lines(caplog)
    assert record.exc_info is None
    assert "POST /api/org/delegations/ status=400 user=pm" in record.getMessage()
