"""The time-limited external auditor, generated from the URL configuration and the API router (issue 17).

The routes are tests/test_scopes.py's: every page and API route that names an object (`<pk>`) with a project, contract
or customer, found by walking the URL configuration. For each, on an object of the demo project (which the demo
external audit samples: assurance.demo):
* inside the sample the external auditor opens it (GET is not 404), and every write it tries (POST, PUT, PATCH,
  DELETE) is refused and leaves the audit trail as it was;
* once the audit's sample is another customer's contract, every method on the same route answers 403 or 404 and
  nothing is written;
* the object's own page and API entry answer 200 to the external auditor exactly when the matrix lets it read the
  model (what the internal auditor reads, core.permissions) and the model's own rule lets it through; 404 outside.
After the access window: the account cannot sign in (page and token), its open session and its API token stop.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from assurance import engagements
from assurance.models import AuditEngagement, EvidencePack, Finding
from contracts.models import Contract
from core.demo import DEMO_PASSWORD
from core.models import AuditEntry
from core.permissions import MATRIX, NOT_FOR_EXTERNAL_AUDITORS, roles_for
from core.roles import ACCESS_ENDED, EVERYONE, STAFF, Role
from org.models import RoleAssignment
from tests.test_scopes import SCOPED, SESSION_KWARGS, _api, _page, _request, inside, rows_users_add, url_of  # noqa: F401

EXT = Role.EXTERNAL_AUDITOR
WRITES = ("post", "put", "patch", "delete")
# The external auditor's one write: an evidence pack of its sample (assurance.engagements.check_pack, tested below).
ITS_OWN_WRITES = {("assurance.evidencepack", "add")}


@pytest.fixture
def audit(demo):
    return AuditEngagement.objects.get(auditors=demo["ext_auditor"])


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _resample_elsewhere(engagement):
    """The audit's sample becomes a contract of another customer than the demo project's."""
    customers = set(engagement.contracts.values_list("customer", flat=True))
    other = Contract.objects.exclude(customer__in=customers).order_by("pk").first()
    assert other is not None, "the demo has contracts of one customer only"
    engagement.contracts.set([other])


# ---- the matrix: reads where the auditor reads, writes nothing ---------------------------------------------------

def test_the_external_auditor_reads_what_the_auditor_reads_and_writes_only_packs():
    for label, actions in MATRIX.items():
        auditor_reads = Role.AUDITOR in actions.get("view", ())
        assert (EXT in actions.get("view", ())) == (auditor_reads and label not in NOT_FOR_EXTERNAL_AUDITORS), label
        writes = {(label, action) for action, roles in actions.items() if action != "view" and EXT in roles}
        assert writes <= ITS_OWN_WRITES, writes
    assert EXT not in EVERYONE and EXT not in STAFF


def test_the_external_auditor_is_a_demo_user_inside_the_window(demo, audit):
    auditor = demo["ext_auditor"]
    assert auditor.own_roles == {EXT}
    assignment = RoleAssignment.objects.get(user=auditor, role=EXT)
    assert (assignment.valid_from, assignment.valid_until) == (audit.access_from, audit.access_until)
    assert Client().post("/login/", {"username": "ext_auditor", "password": DEMO_PASSWORD}).status_code == 302


# ---- every route with an object: inside the sample, outside it ----------------------------------------------

@pytest.mark.parametrize(("route", "name", "model", "methods", "kwargs"), SCOPED)
def test_inside_the_sample_it_reads_and_writes_nothing_outside_it_nothing(route, name, model, methods, kwargs,
                                                                          demo, audit, rows_users_add):  # noqa: F811
    obj = inside(model, demo["pm"])
    url = url_of(name, kwargs, obj)
    auditor = _signed_in(demo["ext_auditor"])
    # A pack's own POST routes (rebuild) are the pack's "add": the external auditor's one write, on its own packs.
    skipped = {"post"} if (model._meta.label_lower, "add") in ITS_OWN_WRITES else set()
    if "get" in methods and not SESSION_KWARGS & set(kwargs):
        status = auditor.get(url).status_code  # 403 may be the matrix (an edit page); never 404
        assert status != 404, f"ext_auditor GET {url}: {status}"
    written = AuditEntry.objects.count()
    api = route.startswith("api/")
    for method in methods:
        if method in WRITES and method not in skipped:
            status = _request(auditor, method, url).status_code
            # A page refuses a step with a message on the record (302), the form again (200) or a 400 to a bad
            # request; the API with 400 (no transition named), 403, 404 or 405. Either way the audit trail shows that
            # nothing was written.
            refusals = (400, 403, 404, 405) if api else (200, 302, 400, 403, 404, 405)
            assert status in refusals, f"ext_auditor {method.upper()} {url}: {status}"
            assert AuditEntry.objects.count() == written, f"ext_auditor {method.upper()} {url} wrote"
    _resample_elsewhere(audit)
    for method in methods:
        status = _request(auditor, method, url).status_code
        assert status in (403, 404), f"ext_auditor {method.upper()} {url} outside the sample: {status}"
    assert AuditEntry.objects.count() == written


DETAILS = sorted({p.values[2] for p in SCOPED}, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", DETAILS, ids=lambda m: m._meta.label)
def test_its_page_and_api_entry_open_inside_the_sample_only(model, demo, audit, rows_users_add):  # noqa: F811
    obj = inside(model, demo["pm"])
    auditor = demo["ext_auditor"]
    urls = [url for url in (_page(model, obj), _api(model, obj)) if url]
    assert urls, f"{model._meta.label} has neither a page nor an API entry"
    client = _signed_in(auditor)
    reads = EXT in roles_for(model._meta.label_lower, "view")
    row_rule = getattr(model, "restrict_rows", None)
    let_through = row_rule is None or row_rule(model.objects.filter(pk=obj.pk), auditor, "view").exists()
    for url in urls:
        status = client.get(url).status_code
        assert status == (200 if reads and let_through else 404 if reads else 403), f"ext_auditor GET {url}"
    _resample_elsewhere(audit)
    for url in urls:
        assert client.get(url).status_code in ((404,) if reads else (403, 404)), f"ext_auditor GET {url} outside"


def test_lists_hold_only_the_sample(demo, audit, client_for):
    auditor = demo["ext_auditor"]
    sample = set(engagements.sample_contracts([audit]).values_list("pk", flat=True))
    listed = set(Contract.objects.restrict(auditor, "view").values_list("pk", flat=True))
    assert listed == sample
    response = _signed_in(auditor).get("/api/contracts/?limit=500")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == sample
    everyone = set(Contract.objects.restrict(demo["auditor"], "view").values_list("pk", flat=True))
    assert everyone > sample  # the internal auditor reads every contract


# ---- after the access window ---------------------------------------------------------------------------------

def _close_window(audit, demo):
    before = __import__("core.audit", fromlist=["snapshot"]).snapshot(audit)
    now = timezone.now()
    audit.access_from, audit.access_until = now - timedelta(days=10), now - timedelta(minutes=1)
    engagements.save(audit, demo["mr"], audit.contracts.all(), before=before)


def test_after_the_window_sign_in_session_and_token_are_refused(demo, audit):
    obj = inside(Contract, demo["pm"])
    browser = Client()
    assert browser.post("/login/", {"username": "ext_auditor", "password": DEMO_PASSWORD}).status_code == 302
    assert browser.get(obj.get_absolute_url()).status_code == 200
    issued = APIClient().post("/api/token/", {"username": "ext_auditor", "password": DEMO_PASSWORD}, format="json")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert api.get(f"/api/contracts/{obj.pk}/").status_code == 200

    _close_window(audit, demo)

    assert RoleAssignment.objects.get(user=demo["ext_auditor"], role=EXT).valid_until == audit.access_until
    page = browser.get(obj.get_absolute_url())
    assert page.status_code == 302 and "/login/" in page["Location"]
    assert api.get(f"/api/contracts/{obj.pk}/").status_code == 401
    refused = Client().post("/login/", {"username": "ext_auditor", "password": DEMO_PASSWORD})
    assert refused.status_code == 200 and escape(str(ACCESS_ENDED)) in refused.content.decode()
    again = APIClient().post("/api/token/", {"username": "ext_auditor", "password": DEMO_PASSWORD}, format="json")
    assert again.status_code == 401 and again.json()["detail"] == str(ACCESS_ENDED)


def test_revoking_ends_access_now_and_inviting_again_restores_it(demo, audit, client_for):
    auditor = demo["ext_auditor"]
    manager = client_for("mr")
    detail = manager.get(audit.get_absolute_url())
    assert detail.status_code == 200 and "ext_auditor" in detail.content.decode()
    browser = _signed_in(auditor)
    assert manager.post(f"/assurance/auditengagement/{audit.pk}/revoke/", {"auditor": auditor.pk}).status_code == 302
    assert not audit.auditors.filter(pk=auditor.pk).exists()
    assert RoleAssignment.objects.get(user=auditor, role=EXT).valid_until <= timezone.now()
    assert browser.get("/").status_code == 302
    response = manager.post(f"/assurance/auditengagement/{audit.pk}/invite/", {"username": "ext_auditor"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=auditor, role=EXT)
    assert (assignment.valid_from, assignment.valid_until) == (audit.access_from, audit.access_until)


def test_an_invitation_creates_the_account_over_the_window_and_never_takes_a_staff_account(demo, audit):
    account = engagements.invite(audit, demo["mr"], username="cqc.li", last_name="李", email="li@cqc.example.com")
    assert account.own_roles == {EXT}
    assert not account.has_usable_password()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        engagements.invite(audit, demo["mr"], username="svc_staff")
    assert not audit.auditors.filter(username="svc_staff").exists()


def test_only_the_quality_side_manages_external_audits(demo, audit, client_for):
    assert client_for("ext_auditor").post(f"/assurance/auditengagement/{audit.pk}/invite/",
                                          {"username": "x.y"}).status_code == 403
    api = client_for("ext_auditor")
    assert api.post(f"/api/assurance/engagements/{audit.pk}/invite/", {"username": "x.y"},
                    content_type="application/json").status_code == 403
    assert api.patch(f"/api/assurance/engagements/{audit.pk}/", {"title": "x"},
                     content_type="application/json").status_code == 403


def test_an_engagement_is_created_over_the_api_with_its_sample(demo, client_for):
    contract = inside(Contract, demo["pm"])
    now = timezone.now()
    response = client_for("mr").post("/api/assurance/engagements/", {
        "title": "Recertification", "audit_body": "CQC", "period_start": "2026-01-01", "period_end": "2026-06-30",
        "access_from": now.isoformat(), "access_until": (now + timedelta(days=5)).isoformat(),
        "contracts": [contract.pk], "coordinator": demo["mr"].pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    engagement = AuditEngagement.objects.get(pk=response.json()["id"])
    assert list(engagement.contracts.all()) == [contract]
    empty = client_for("mr").post("/api/assurance/engagements/", {
        "title": "No sample", "audit_body": "CQC", "period_start": "2026-01-01", "period_end": "2026-06-30",
        "access_from": now.isoformat(), "access_until": (now + timedelta(days=5)).isoformat(),
        "contracts": [], "coordinator": demo["mr"].pk}, content_type="application/json")
    assert empty.status_code == 400


# ---- its packs and findings ----------------------------------------------------------------------------------

def test_its_evidence_packs_cover_its_sample_and_belong_to_its_audit(demo, audit):
    from django.core.exceptions import ValidationError

    auditor = demo["ext_auditor"]
    today = timezone.localdate()
    pack = EvidencePack.objects.create(title="sample", period_start=today, period_end=today, requested_by=auditor)
    assert pack.engagement == audit
    pack.contracts.add(*audit.contracts.all())
    elsewhere = Contract.objects.exclude(customer__in=audit.contracts.values("customer")).first()
    from django.db import transaction

    with pytest.raises(ValidationError), transaction.atomic():
        pack.contracts.add(elsewhere)
    assert not pack.contracts.filter(pk=elsewhere.pk).exists()
    others = EvidencePack.objects.create(title="company", period_start=today, period_end=today,
                                         requested_by=demo["auditor"])
    visible = set(EvidencePack.objects.restrict(auditor, "view").values_list("pk", flat=True))
    assert pack.pk in visible and others.pk not in visible
    assert others.pk in set(EvidencePack.objects.restrict(demo["auditor"], "view").values_list("pk", flat=True))


def test_its_findings_are_those_on_records_of_the_sample(demo, audit):
    from django.contrib.contenttypes.models import ContentType

    auditor = demo["ext_auditor"]
    inside_contract = inside(Contract, demo["pm"])
    elsewhere = Contract.objects.exclude(customer__in=audit.contracts.values("customer")).first()
    now = timezone.now()

    def finding(rule, contract):
        return Finding.objects.create(
            rule_id=rule, clause="8.3.2", severity="major", content_type=ContentType.objects.get_for_model(Contract),
            object_id=(contract or inside_contract).pk, object_label="x", message="x", first_found=now,
            last_found=now, contract=contract, customer=contract.customer if contract else None)

    mine, theirs, company = finding("CON-1", inside_contract), finding("CON-2", elsewhere), finding("AUD-1", None)
    visible = set(Finding.objects.restrict(auditor, "view").values_list("pk", flat=True))
    assert mine.pk in visible and theirs.pk not in visible and company.pk not in visible
    assert {mine.pk, theirs.pk, company.pk} <= set(Finding.objects.restrict(demo["auditor"], "view")
                                                    .values_list("pk", flat=True))


def test_its_menu_is_audit_readiness_and_the_register(demo):
    from core.navigation import menu_for

    daily, more = menu_for(demo["ext_auditor"])
    from django.urls import reverse

    header = {url for _stage, entries in daily for _label, url in entries}
    assert reverse("core:register") in header and reverse("assurance:auditengagement_list") in header
    every = header | {url.split("?")[0] for _stage, entries in more for _label, url in entries}
    assert reverse("core:audit") not in every  # the audit trail tells of records outside any sample
