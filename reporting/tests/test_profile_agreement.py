"""The customer's agreement of the report profile (SP-4.5.1): recorded per version, shown, in the work queue."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core import records, workflow
from core.choices import RecordStatus
from core.context import acting_as
from core.exporting import export_record
from core.worklist import items_for
from reporting.choices import AgreementDecision
from reporting.models import ProfileAgreement, ReportProfile
from reporting.services import agreement

from .test_satisfaction import customer_user


@pytest.fixture
def profile(demo):
    """The chain contract's report settings revised to a new version (the demo's customer agreed the first): in
    force, approved, not agreed yet."""
    contract = Contract.objects.signed().filter(title=CHAIN_TITLE).first()
    found = ReportProfile.objects.filter(contract__number=contract.number, status=RecordStatus.APPROVED) \
        .order_by("-version").first()
    assert found is not None and agreement.agreed(found), "the demo's customer agrees the chain's report settings"
    pm, manager = demo["pm"], demo["svc_manager"]
    with acting_as(pm):
        revised = records.new_version(found, pm, comment="增加收件人")
        workflow.fire(revised, "submit", pm)
    with acting_as(manager):
        workflow.fire(revised, "approve", manager)
    revised.refresh_from_db()
    assert not agreement.agreed(revised)
    return revised


def keys(user):
    return {item.key for item in items_for(user)}


def test_customer_asks_for_changes_then_agrees_the_new_version(profile, demo):
    contact, pm, manager = customer_user(), demo["pm"], demo["svc_manager"]
    key = f"profile_agreement:{profile.pk}"
    assert agreement.state(profile) == "waiting"
    assert profile in agreement.waiting_for(contact) and key in keys(contact)
    assert key in keys(pm)  # the PM sees it is not agreed yet
    with pytest.raises(ValidationError, match="should change"), acting_as(contact):
        agreement.decide(profile, contact, AgreementDecision.CHANGES_REQUESTED, "  ")
    with acting_as(contact):
        asked = agreement.decide(profile, contact, AgreementDecision.CHANGES_REQUESTED, "请增加可用性指标")
    assert (asked.version, asked.user, asked.name) == (profile.version, contact, str(contact))
    assert agreement.state(profile) == "changes"
    titles = [item.title for item in items_for(pm) if item.key == key]
    assert titles and "请增加可用性指标" in titles[0]

    with acting_as(pm):  # the PM revises the settings; the manager approves the new version
        revised = records.new_version(profile, pm, comment="按客户意见修改")
        workflow.fire(revised, "submit", pm)
    with acting_as(manager):
        workflow.fire(revised, "approve", manager)
    revised.refresh_from_db()
    with pytest.raises(PermissionDenied), acting_as(contact):  # superseded: no longer shared with the customer
        agreement.decide(ReportProfile.objects.get(pk=profile.pk), contact, AgreementDecision.AGREED)
    assert agreement.state(revised) == "waiting"
    with acting_as(contact):
        agreed = agreement.decide(revised, contact, AgreementDecision.AGREED)
    assert agreed.version == revised.version and agreement.agreed(revised)
    assert f"profile_agreement:{revised.pk}" not in keys(pm) | keys(contact)
    with pytest.raises(ValidationError, match="agreed already"), acting_as(contact):
        agreement.decide(revised, contact, AgreementDecision.AGREED)
    # Shown on the profile's page and in its export, with who, when and which version.
    page = Client()
    page.force_login(pm)
    html = page.get(revised.get_absolute_url()).content.decode()
    assert 'id="profile-agreement"' in html and str(contact) in html and 'id="agreement-form"' not in html
    with translation.override("en"):
        section = revised.export_sections("en")[-1]
    assert section.heading == "Agreed with the customer"
    assert section.tables[0].rows[0][:3] == ["Agreed", f"v{revised.version}", str(contact)]
    content, content_type, _name = export_record(revised, "pdf")
    assert content.startswith(b"%PDF")


def test_only_a_customer_contact_agrees(profile, demo):
    with pytest.raises(PermissionDenied):
        agreement.decide(profile, demo["pm"], AgreementDecision.AGREED)
    assert not ProfileAgreement.objects.filter(profile=profile).exists()


def test_agreement_through_the_page_and_the_api(profile, demo):
    contact = customer_user()
    client = Client(headers={"accept-language": "en"})
    client.force_login(contact)
    url = f"/reporting/reportprofile/{profile.pk}/agree/"
    assert url in client.get("/portal/").content.decode()  # linked from the customer's home
    html = client.get(url).content.decode()
    assert 'id="agreement-form"' in html and profile.number in html
    assert client.get(profile.get_absolute_url()).status_code == 404  # the company's page is not theirs
    response = client.post(url, {"decision": "changes", "comment": ""})
    assert response.status_code == 400 and not ProfileAgreement.objects.filter(profile=profile).exists()
    api = client.post(f"/api/reporting/profiles/{profile.pk}/agree/", {"decision": "agreed"},
                      content_type="application/json")
    assert api.status_code == 201, api.content
    assert api.json()["decision"] == "agreed" and api.json()["version"] == profile.version
    listed = client.get("/api/reporting/profile-agreements/").json()["results"]
    assert api.json()["id"] in [row["id"] for row in listed]  # their organisation's answers
    assert 'id="agreement-form"' not in client.get(url).content.decode()
    again = client.post(f"/api/reporting/profiles/{profile.pk}/agree/", {"decision": "agreed"},
                        content_type="application/json")
    assert again.status_code == 400
    staff = Client()
    staff.force_login(demo["pm"])
    assert staff.post(f"/api/reporting/profiles/{profile.pk}/agree/", {"decision": "agreed"},
                      content_type="application/json").status_code == 403
    assert staff.get(url).status_code == 302  # the company's people read it on the profile's page
    other = Client()
    other.force_login(customer_user("nb_contact2", "何医生", customer="nbhospital"))
    assert other.get(url).status_code == 404
    assert other.get("/api/reporting/profile-agreements/").json()["count"] == 0
