"""Delegations of approval rights: only the delegator (or an administrator) changes one, never its delegate;
only a delegation in force gives rights, and a delegate's vote obeys the rules of the person it counts for."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import audit, records
from core.choices import AuditAction, RecordStatus
from core.tests.factories import procedure
from org.models import Delegation

pytestmark = pytest.mark.django_db

API = "/api/org/delegations/"


def delegation(delegator, delegate, *, starts=-1, ends=72, revoked=False):
    """A delegation from `starts` to `ends` hours from now (whole minutes, as the page's fields), written as its
    delegator would."""
    now = timezone.now().replace(second=0, microsecond=0)
    given = records.create(Delegation(delegator=delegator, delegate=delegate, start=now + timedelta(hours=starts),
                                      end=now + timedelta(hours=ends), reason="出差"), delegator)
    if revoked:
        before = audit.snapshot(given)
        given.revoked = True
        records.update(given, delegator, before)
    return given


def stored(given):
    return Delegation.objects.values("delegator", "delegate", "start", "end", "revoked").get(pk=given.pk)


def patch(client, given, body):
    return client.patch(f"{API}{given.pk}/", body, content_type="application/json")


def minutes(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def page_form(given, **changes):
    data = {"delegate": given.delegate_id, "start": minutes(given.start), "end": minutes(given.end),
            "reason": given.reason}
    if given.revoked:
        data["revoked"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def edit_url(given):
    return reverse("org:delegation_edit", args=[given.pk])


# ---- the delegate can never change a delegation ---------------------------------------------------

@pytest.mark.parametrize("body", [
    {"revoked": False},
    {"end": (timezone.now() + timedelta(days=365)).isoformat()},
    {"delegate": "sales"},
], ids=["un-revoke", "extend", "re-assign"])
def test_the_delegate_cannot_change_the_delegation_through_the_api(demo, client_for, body):
    given = delegation(demo["svc_manager"], demo["member"], revoked="revoked" in body)
    body = {name: demo[value].pk if name == "delegate" else value for name, value in body.items()}
    before = stored(given)
    response = patch(client_for("member"), given, body)
    assert response.status_code in (403, 404)
    assert stored(given) == before


@pytest.mark.parametrize("change", ["un-revoke", "extend", "re-assign"])
def test_the_delegate_cannot_change_the_delegation_through_the_page(demo, client_for, change):
    given = delegation(demo["svc_manager"], demo["member"], revoked=change == "un-revoke")
    before = stored(given)
    data = {"un-revoke": page_form(given, revoked=None),
            "extend": page_form(given, end=minutes(given.end + timedelta(days=365))),
            "re-assign": page_form(given, delegate=demo["sales"].pk)}[change]
    member = client_for("member")
    assert member.get(edit_url(given)).status_code in (403, 404)
    assert member.post(edit_url(given), data).status_code in (403, 404)
    assert stored(given) == before


def test_only_those_who_may_change_it_are_offered_the_edit_page(demo, client_for):
    given = delegation(demo["svc_manager"], demo["member"])
    detail = reverse("org:delegation_detail", args=[given.pk])
    assert edit_url(given) not in client_for("member").get(detail).content.decode()
    assert edit_url(given) in client_for("svc_manager").get(detail).content.decode()


def test_the_delegator_field_is_never_written_by_the_client(demo, client_for):
    now = timezone.now()
    response = client_for("member").post(API, {
        "delegator": demo["svc_manager"].pk, "delegate": demo["sales"].pk, "start": now.isoformat(),
        "end": (now + timedelta(days=1)).isoformat()}, content_type="application/json")
    assert response.status_code == 201
    assert Delegation.objects.get(pk=response.json()["id"]).delegator == demo["member"]


# ---- what the delegator and an administrator may do ----------------------------------------------

@pytest.mark.parametrize("who", ["svc_manager", "admin"])
def test_the_delegator_and_an_administrator_revoke_through_the_api_with_an_audit_entry(demo, client_for, who):
    given = delegation(demo["svc_manager"], demo["member"])
    response = patch(client_for(who), given, {"revoked": True})
    assert response.status_code == 200, response.content
    assert stored(given)["revoked"] is True
    entry = audit.history_for(given).last()
    assert (entry.action, entry.user, entry.changes["revoked"]) == (AuditAction.UPDATE, demo[who], [False, True])


@pytest.mark.parametrize("who", ["svc_manager", "admin"])
def test_the_delegator_and_an_administrator_end_it_earlier_through_the_page(demo, client_for, who):
    given = delegation(demo["svc_manager"], demo["member"])
    earlier = given.end - timedelta(hours=70)
    response = client_for(who).post(edit_url(given), page_form(given, end=minutes(earlier)))
    assert response.status_code == 302, response.content
    assert stored(given)["end"] == earlier
    assert audit.history_for(given).last().user == demo[who]


def test_a_revoked_delegation_stays_revoked(demo, client_for):
    given = delegation(demo["svc_manager"], demo["member"], revoked=True)
    for who in ("svc_manager", "admin"):
        assert patch(client_for(who), given, {"revoked": False}).status_code == 400
        assert client_for(who).post(edit_url(given), page_form(given, revoked=None)).status_code == 200  # refused
    assert stored(given)["revoked"] is True


def test_a_change_never_moves_the_delegation_to_someone_else(demo, client_for):
    given = delegation(demo["svc_manager"], demo["member"])
    before = stored(given)
    assert patch(client_for("svc_manager"), given, {"delegate": demo["sales"].pk}).status_code == 400
    assert patch(client_for("admin"), given, {"delegate": demo["sales"].pk}).status_code == 400
    assert patch(client_for("admin"), given, {"delegator": demo["gm"].pk}).status_code == 200  # read-only: ignored
    assert stored(given) == before


def test_only_the_delegator_extends_it(demo, client_for):
    given = delegation(demo["svc_manager"], demo["member"])
    later = (given.end + timedelta(days=7)).isoformat()
    assert patch(client_for("admin"), given, {"end": later}).status_code == 400
    assert patch(client_for("svc_manager"), given, {"end": later}).status_code == 200
    assert stored(given)["end"] == given.end + timedelta(days=7)


# ---- a delegation out of force gives nothing; a delegate never approves the delegator's own record ---

def transition_through(channel, client, document, name="approve"):
    if channel == "api":
        return client.post(f"/api/documents/procedures/{document.pk}/transition/", {"transition": name},
                           content_type="application/json")
    return client.post(reverse("documents:proceduredocument_transition", args=[document.pk]), {"transition": name})


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("state", ["revoked", "expired", "future"])
def test_a_delegation_out_of_force_cannot_approve(demo, client_for, channel, state):
    hours = {"revoked": (-1, 72), "expired": (-72, -1), "future": (24, 72)}[state]
    delegation(demo["svc_manager"], demo["member"], starts=hours[0], ends=hours[1], revoked=state == "revoked")
    document = procedure(demo["svc_staff"], submit=True)
    response = transition_through(channel, client_for("member"), document)
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == RecordStatus.IN_REVIEW


@pytest.mark.parametrize("channel", ["api", "page"])
def test_a_delegation_in_force_approves(demo, client_for, channel):
    delegation(demo["svc_manager"], demo["member"])
    document = procedure(demo["svc_staff"], submit=True)
    transition_through(channel, client_for("member"), document)
    document.refresh_from_db()
    assert document.status == RecordStatus.APPROVED


@pytest.mark.parametrize("channel", ["api", "page"])
def test_a_delegate_cannot_approve_the_delegators_own_record(demo, client_for, channel):
    delegation(demo["svc_manager"], demo["member"])
    document = procedure(demo["svc_manager"], submit=True)
    response = transition_through(channel, client_for("member"), document)
    assert response.status_code in (302, 400, 403)
    document.refresh_from_db()
    assert document.status == RecordStatus.IN_REVIEW
