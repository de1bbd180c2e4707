"""The live feed: signed ticket events keep a contract's tickets and SLA figures current; a replayed, tampered or bad
request stores nothing; the same event twice changes nothing; the shared secret is never shown again."""

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils.translation import gettext, override

from core import crypto
from core.models import AuditEntry
from servicedata import sla, webhook
from servicedata.choices import ImportSource, ImportStatus
from servicedata.models import ImportJob, Ticket, TicketEvent, TicketPause, WebhookEndpoint

from .helpers import import_records

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/servicedata/webhook/{token}/"


def at(text):
    """A wall-clock time in Beijing as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


@pytest.fixture
def feed(contract, demo):
    """(endpoint, secret): a ServPlan-columns endpoint of the contract, importing as the service manager."""
    endpoint = WebhookEndpoint(contract=contract, name="desk", external_system="desk", run_as=demo["svc_manager"])
    secret = webhook.create_endpoint(endpoint, demo["svc_manager"])
    return endpoint, secret


def post(client, feed, payload, *, timestamp=None, secret=None, body=None):
    endpoint, shared = feed
    body = body if body is not None else json.dumps(payload).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return client.post(URL.format(token=endpoint.token), data=body, content_type="application/json",
                       headers={"X-ServPlan-Timestamp": timestamp,
                                "X-ServPlan-Signature": webhook.sign(secret or shared, timestamp, body)})


def event(external_id, occurred, **ticket):
    return {"ticket": {"external_id": external_id, **ticket}, "occurred_at": occurred}


def opened(external_id="INC-1", created="2026-03-02T09:00:00+08:00", priority="P2", **more):
    return event(external_id, created, priority=priority, kind="incident", status="new", created=created,
                 category="network", **more)


def status(external_id, occurred, value, **more):
    return event(external_id, occurred, status=value, **more)


def written():
    return (Ticket.objects.count(), TicketPause.objects.count(), TicketEvent.objects.count(),
            ImportJob.objects.count(), AuditEntry.objects.count())


# ---- tickets and figures ------------------------------------------------------------------------------------

def test_signed_events_create_and_update_tickets_and_the_month_reflects_them(client, feed, contract, demo):
    response = post(client, feed, opened())
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["accepted"], answer["tickets"], answer["created"], answer["status"]) == (1, 1, 1, "done")
    ticket = Ticket.objects.get(contract=contract, external_system="desk", external_id="INC-1")
    assert ticket.first_response is None and ticket.resolved is None
    job = ImportJob.objects.get(pk=answer["job"])
    assert (job.source, job.webhook_id, job.created_by) == (ImportSource.WEBHOOK, feed[0].pk, demo["svc_manager"])
    assert sla.period_metrics(contract, 2026, 3).volume == 1

    later = [status("INC-1", "2026-03-02T09:20:00+08:00", "in_progress"),
             status("INC-1", "2026-03-02T15:00:00+08:00", "resolved", resolved="2026-03-02T15:00:00+08:00")]
    answer = post(client, feed, later).json()
    assert (answer["accepted"], answer["tickets"], answer["updated"]) == (2, 1, 1)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response, ticket.resolved) == \
        ("resolved", at("2026-03-02 09:20"), at("2026-03-02 15:00"))
    assert ticket.response_decided is not None and ticket.resolution_decided is not None  # measured again
    fed = sla.period_metrics(contract, 2026, 3).as_dict()
    clocks = Ticket.objects.filter(pk=ticket.pk).values("response_seconds", "resolution_seconds", "response_met",
                                                       "resolution_met").get()

    # The same ticket imported the ordinary way, with the columns the feed derived, gives the same figures.
    Ticket.objects.filter(contract=contract).delete()
    imported = import_records(contract, demo["svc_manager"], [{
        "external_id": "INC-1", "priority": "P2", "kind": "incident", "status": "resolved", "category": "network",
        "created": "2026-03-02 09:00", "first_response": "2026-03-02 09:20", "resolved": "2026-03-02 15:00"}],
        external_system="desk")
    assert imported.created == 1
    assert Ticket.objects.filter(external_id="INC-1").values(*clocks).get() == clocks
    reference = sla.period_metrics(contract, 2026, 3).as_dict()
    assert {k: v for k, v in fed.items() if k != "as_of"} == {k: v for k, v in reference.items() if k != "as_of"}


def test_a_status_history_gives_first_response_and_pauses_whatever_the_order_of_arrival(client, feed):
    events = [opened(),
              status("INC-1", "2026-03-02T09:20:00+08:00", "in_progress"),
              status("INC-1", "2026-03-02T10:00:00+08:00", "pending"),
              status("INC-1", "2026-03-02T11:30:00+08:00", "in_progress"),
              status("INC-1", "2026-03-02T15:00:00+08:00", "resolved", resolved="2026-03-02T15:00:00+08:00")]
    for item in (events[0], events[3], events[4], events[1], events[2]):  # one request each, later ones out of order
        assert post(client, feed, item).status_code == 200
    ticket = Ticket.objects.get(external_id="INC-1")
    assert ticket.first_response == at("2026-03-02 09:20")
    assert ticket.resolved == at("2026-03-02 15:00") and ticket.status == "resolved"
    assert list(ticket.pauses.values_list("start", "end")) == [(at("2026-03-02 10:00"), at("2026-03-02 11:30"))]
    assert TicketEvent.objects.filter(endpoint=feed[0], external_id="INC-1").count() == 5


def test_jira_webhook_events_are_read_with_the_jira_profile(client, contract, demo):
    """Jira's own webhook body: the issue under "issue", the time in `timestamp` (milliseconds); the profile's
    statuses (In Progress: first response; Waiting for customer: paused) read from the events' sequence."""
    endpoint = WebhookEndpoint(contract=contract, name="jira", builtin_profile="jira-rest", external_system="jira",
                               run_as=demo["svc_manager"])
    feed = (endpoint, webhook.create_endpoint(endpoint, demo["svc_manager"]))

    def jira(when, state, **fields):
        issue = {"key": "SD-7", "fields": {"issuetype": {"name": "Incident"}, "priority": {"name": "High"},
                                            "status": {"name": state}, "summary": "VPN down",
                                            "created": "2026-03-03T10:00:00.000+0800", **fields}}
        return {"webhookEvent": "jira:issue_updated", "timestamp": int(at(when).timestamp() * 1000), "issue": issue}

    batch = [jira("2026-03-03 10:00", "Waiting for support"), jira("2026-03-03 10:30", "In Progress"),
             jira("2026-03-03 11:00", "Waiting for customer"), jira("2026-03-03 13:00", "In Progress"),
             jira("2026-03-03 16:00", "Resolved", resolutiondate="2026-03-03T16:00:00.000+0800")]
    response = post(client, feed, batch)
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get(external_system="jira", external_id="SD-7")
    assert (ticket.priority, ticket.status) == ("P2", "resolved")
    assert (ticket.first_response, ticket.resolved) == (at("2026-03-03 10:30"), at("2026-03-03 16:00"))
    assert list(ticket.pauses.values_list("start", "end")) == [(at("2026-03-03 11:00"), at("2026-03-03 13:00"))]


# ---- refusals ---------------------------------------------------------------------------------------------------

def test_a_replayed_tampered_or_unsigned_body_is_refused_and_stores_nothing(client, feed):
    before = written()
    body = json.dumps(opened()).encode()
    stale = int(time.time()) - webhook.TOLERANCE - 5
    assert post(client, feed, None, body=body, timestamp=stale).status_code == 401
    assert post(client, feed, None, body=body, secret="not-the-secret").status_code == 401
    endpoint, secret = feed
    now = str(int(time.time()))
    signature = webhook.sign(secret, now, body)
    tampered = body.replace(b"P2", b"P1")
    url = URL.format(token=endpoint.token)
    headers = {"X-ServPlan-Timestamp": now, "X-ServPlan-Signature": signature}
    response = client.post(url, data=tampered, content_type="application/json", headers=headers)
    assert response.status_code == 401
    with override(settings.LANGUAGE_CODE):  # the sender has no account: the company's language
        expected = gettext("The %(header)s header does not match the body.") % {"header": webhook.SIGNATURE_HEADER}
    assert response.json()["message"] == expected
    moved = {"X-ServPlan-Timestamp": str(int(now) + 1), "X-ServPlan-Signature": signature}  # the time is signed
    assert client.post(url, data=body, content_type="application/json", headers=moved).status_code == 401
    assert client.post(url, data=body, content_type="application/json").status_code == 401
    assert written() == before


def test_unknown_disabled_and_oversized(client, feed):
    endpoint, _secret = feed
    assert post(client, (WebhookEndpoint(token="nope"), "x"), opened()).status_code == 404
    assert client.get(URL.format(token=endpoint.token)).status_code == 405
    before = written()
    big = json.dumps([opened(f"INC-{i}") for i in range(webhook.MAX_EVENTS + 1)]).encode()
    assert post(client, feed, None, body=big).status_code == 413
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    assert post(client, feed, opened()).status_code == 410
    assert written() == before


def test_the_same_event_twice_changes_nothing(client, feed):
    items = [opened(), status("INC-1", "2026-03-02T09:20:00+08:00", "in_progress")]
    assert post(client, feed, items).status_code == 200
    tickets = list(Ticket.objects.order_by("pk").values())
    before = written()
    again = post(client, feed, items[::-1])  # a new request (new timestamp), the same events
    assert again.status_code == 200
    assert again.json() | {"message": ""} == {"accepted": 0, "duplicates": 2, "tickets": 0, "job": None,
                                               "status": None, "message": "", "errors": []}
    assert written() == before
    assert list(Ticket.objects.order_by("pk").values()) == tickets


def test_a_batch_with_a_bad_item_writes_nothing_and_names_the_item(client, feed):
    before = written()
    response = post(client, feed, [opened("INC-1"), {"ticket": {"priority": "P2"}, "occurred_at": "2026-03-02"},
                                   "text", opened("INC-3", created="yesterday")])
    assert response.status_code == 400
    assert [e["item"] for e in response.json()["errors"]] == [1, 2, 3]
    with override(settings.LANGUAGE_CODE):  # the sender has no account: the company's language
        no_id = gettext("The ticket has no external id (%(columns)s).").split("%")[0]
    assert response.json()["errors"][0]["message"].startswith(no_id)
    assert post(client, feed, None, body=b"{not json").status_code == 400
    assert written() == before

    # An item the import refuses (an unknown priority): no event stored, no ticket written; the refused import
    # is kept on the endpoint, and the answer names the item.
    response = post(client, feed, [opened("INC-1"), opened("INC-2", priority="P9")])
    assert response.status_code == 422
    answer = response.json()
    assert answer["status"] == ImportStatus.REJECTED and answer["accepted"] == 0
    assert [(e["items"], e["external_id"], e["field"]) for e in answer["errors"]] == [([1], "INC-2", "priority")]
    assert not Ticket.objects.filter(external_system="desk").exists() and not TicketEvent.objects.exists()
    assert ImportJob.objects.get(pk=answer["job"]).webhook == feed[0]


# ---- the secret ---------------------------------------------------------------------------------------------

def test_the_secret_is_shown_once_and_never_again(client_for, contract, demo):
    manager = client_for("svc_manager")
    response = manager.post("/servicedata/webhookendpoint/add/", {
        "contract": contract.pk, "name": "live", "external_system": "live", "enabled": "on",
        "run_as": demo["svc_manager"].pk})
    assert response.status_code == 200, response.context["form"].errors if response.context else response
    endpoint = WebhookEndpoint.objects.get(name="live")
    secret = response.context["secret"]
    page = response.content.decode()
    assert secret in page and "openssl dgst -sha256 -hmac" in page and endpoint.token in page
    assert crypto.decrypt(endpoint.secret) == secret and secret not in endpoint.secret

    api = f"/api/servicedata/webhook-endpoints/{endpoint.pk}/"
    readings = [manager.get(endpoint.get_absolute_url()), manager.get("/servicedata/webhookendpoint/"),
                manager.get(f"/servicedata/webhookendpoint/{endpoint.pk}/edit/"),
                manager.get("/api/servicedata/webhook-endpoints/"), manager.get(api)]
    assert all(r.status_code == 200 for r in readings)
    assert not any(secret in r.content.decode() or endpoint.secret in r.content.decode() for r in readings)

    rotated = manager.post(f"/servicedata/webhookendpoint/{endpoint.pk}/rotate/")
    assert rotated.status_code == 200
    new = rotated.context["secret"]
    assert new != secret and new in rotated.content.decode()
    endpoint.refresh_from_db()
    assert crypto.decrypt(endpoint.secret) == new
    with pytest.raises(webhook.Refused):  # the old secret signs no more
        body = b"{}"
        now = str(int(time.time()))
        webhook.verify(endpoint, now, webhook.sign(secret, now, body), body)

    by_api = manager.post("/api/servicedata/webhook-endpoints/", {
        "contract": contract.pk, "name": "api", "builtin_profile": "servplan", "run_as": demo["svc_manager"].pk},
        content_type="application/json")
    assert by_api.status_code == 201, by_api.content
    api_secret = by_api.json()["secret"]
    created = WebhookEndpoint.objects.get(pk=by_api.json()["endpoint"]["id"])
    assert crypto.decrypt(created.secret) == api_secret and "secret" not in by_api.json()["endpoint"]
    again = manager.post(f"/api/servicedata/webhook-endpoints/{created.pk}/rotate/")
    assert again.status_code == 200 and again.json()["secret"] != api_secret
    listed = manager.get("/api/servicedata/webhook-endpoints/").content.decode()
    assert api_secret not in listed and again.json()["secret"] not in listed

    trail = json.dumps(list(AuditEntry.objects.values("changes", "snapshot", "comment", "object_repr")))
    for shown in (secret, new, api_secret, again.json()["secret"]):
        assert shown not in trail
    created.refresh_from_db()
    endpoint.refresh_from_db()
    assert endpoint.secret not in trail and created.secret not in trail
    assert AuditEntry.objects.filter(object_id=str(endpoint.pk), comment__contains="shared secret").exists()


def test_only_a_user_who_may_import_is_run_as(client_for, contract, demo):
    manager = client_for("svc_manager")
    response = manager.post("/servicedata/webhookendpoint/add/", {
        "contract": contract.pk, "name": "sales", "external_system": "x", "run_as": demo["sales"].pk})
    assert response.status_code == 200 and "run_as" in response.context["form"].errors
    assert not WebhookEndpoint.objects.filter(name="sales").exists()


# ---- scope ----------------------------------------------------------------------------------------------------

def test_scope_a_user_of_another_contract_sees_neither_endpoint_nor_events(client, demo, client_for):
    from django.test import Client

    from org.models import RoleAssignment, User
    from projects.models import Project

    pm = demo["pm"]
    contract = Project.objects.of_member(pm).order_by("pk").first().contract
    endpoint = WebhookEndpoint(contract=contract, name="pm feed", run_as=demo["svc_manager"])
    webhook.create_endpoint(endpoint, demo["svc_manager"])
    assert post(client, (endpoint, crypto.decrypt(endpoint.secret)), opened("INC-77")).status_code == 200
    event = TicketEvent.objects.get(endpoint=endpoint)

    elsewhere = User.objects.create(username="pm_elsewhere", department=pm.department)
    RoleAssignment.objects.create(user=elsewhere, role="project_manager")
    outsider = Client()
    outsider.force_login(elsewhere)
    for url in (endpoint.get_absolute_url(), f"/api/servicedata/webhook-endpoints/{endpoint.pk}/",
                event.get_absolute_url()):
        assert outsider.get(url).status_code in (403, 404), url
    assert "pm feed" not in outsider.get("/servicedata/ticketevent/").content.decode()
    inside = client_for("pm")  # the contract's project manager reads them (never the secret); managers change them
    assert inside.get(event.get_absolute_url()).status_code == 200
    assert inside.get(endpoint.get_absolute_url()).status_code == 200
    assert "rotate-button" not in inside.get(endpoint.get_absolute_url()).content.decode()
    assert inside.post(f"/servicedata/webhookendpoint/{endpoint.pk}/rotate/").status_code == 403
    assert "rotate-button" in client_for("svc_manager").get(endpoint.get_absolute_url()).content.decode()
