"""The customer contact's scope, generated from the URL configuration, the API router and the matrix (issue 12).

A customer contact (Role.CUSTOMER) sees their own organisation's records that are shared with the customer and
nothing else: no internal record (a draft, a review, an internal report, a plan), nothing of another customer.
Every page and API route that names an object (`<pk>`, found as tests/test_scopes.py finds them) is requested by
two customer contacts, the demo's (温州市水务集团) and one of another customer with a project in the demo
(宁波第一医院), on an object of each customer (and on the company's own objects). Unless the object is shared with
that contact, every method answers 404, as if the object did not exist, and nothing is written. What is shared is
written out here independently of the share rules (SHARED), so a rule that lets too much through fails here.
Every API list is checked the same way: a contact lists exactly what SHARED says, or gets a 404.
"""

import pytest
from django.db.models import Q
from django.urls import reverse

from core import scopes
from core.models import Attachment, AuditEntry
from core.permissions import MATRIX
from core.roles import Role
from tests.test_scopes import ROUTES, url_of

OTHER_CUSTOMER = "nbhospital"
OWN_CUSTOMER = "wzwater"


def _customer_of(obj, path):
    *steps, last = path.split("__") if path else ("pk",)
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, last) if last != "pk" else obj.pk


# What is shared with a customer contact, per model: predicate(obj, user, customer_id). Written from the issue's
# words, not from the share rules: signed contracts and SLAs, issued reports, the approved report profile, minutes
# distributed to them, their own notifications. An app that shares a model with the customer adds its line here.
SHARED = {
    "contracts.contract": lambda o, u, c: o.customer_id == c and o.status == "signed",
    "contracts.servicelevelagreement": lambda o, u, c: o.contract.customer_id == c and o.status == "signed",
    "contracts.slatarget": lambda o, u, c: o.sla.contract.customer_id == c and o.sla.status == "signed",
    "reporting.monthlyservicereport": lambda o, u, c: o.contract.customer_id == c and o.status == "issued",
    "reporting.reportprofile": lambda o, u, c: o.contract.customer_id == c and o.status == "approved",
    "reporting.meetingminutes": lambda o, u, c: o.status == "distributed"
    and o.meeting.attendees.filter(user=u).exists(),
    "notifications.notification": lambda o, u, c: o.recipient_id == u.pk,
    "notifications.notificationpreference": lambda o, u, c: o.user_id == u.pk,
    # reporting (satisfaction, D2): the contact's own survey answers; the answers on their organisation's profiles
    "reporting.satisfactionresponse": lambda o, u, c: o.respondent_id == u.pk,
    "reporting.profileagreement": lambda o, u, c: o.profile.contract.customer_id == c,
    # closure (acceptance): the certificate once acceptance is requested from them, its items and the decisions
    "closure.acceptancecertificate": lambda o, u, c: o.project.customer_id == c
    and o.status in ("requested", "accepted", "rejected"),
    "closure.certificateitem": lambda o, u, c: o.certificate.project.customer_id == c
    and o.certificate.status in ("requested", "accepted", "rejected"),
    "closure.acceptance": lambda o, u, c: o.certificate.project.customer_id == c
    and o.certificate.status in ("requested", "accepted", "rejected"),
}


def shared_with(obj, user):
    rule = SHARED.get(obj._meta.label_lower)
    customer = user.customer_contact.customer_id
    return bool(rule and rule(obj, user, customer))


def test_every_model_the_customer_may_read_has_its_sharing_written_here():
    readable = {label for label, actions in MATRIX.items() if Role.CUSTOMER in actions.get("view", ())}
    assert readable == set(SHARED), "a model shared with the customer needs its line in SHARED"
    assert readable  # the customer reads something: their contracts, reports, ...


def test_no_model_is_shared_without_its_rule(monkeypatch, demo):
    """Defence in depth: a matrix row naming the customer alone shows nothing without the model's share rule."""
    from projects.models import ProjectPlan

    monkeypatch.setitem(MATRIX, "projects.projectplan", {**MATRIX["projects.projectplan"],
                                                         "view": MATRIX["projects.projectplan"]["view"]
                                                         | {Role.CUSTOMER}})
    customer = demo["customer"]
    assert ProjectPlan.objects.filter(project__customer__code=OWN_CUSTOMER).exists()
    assert not ProjectPlan.objects.restrict(customer).exists()


@pytest.fixture
def contacts(demo):
    """The demo's customer contact, and one of another customer given a sign-in as the Service Department would."""
    from customers.models import Contact, Customer
    from portal.services import give_sign_in

    other = Customer.objects.get(code=OTHER_CUSTOMER)
    contact = Contact.objects.create(customer=other, name="何医生", email="he@nbhospital.example.com")
    user, _password = give_sign_in(contact, demo["svc_staff"], username="nb_contact")
    return {OWN_CUSTOMER: demo["customer"], OTHER_CUSTOMER: user}


def objects_of(model, customer):
    """The model's objects that belong to the customer (by its scope paths), newest first; for a model of the
    company (no scope), all of them."""
    from contracts.models import Contract
    from projects.models import Project

    model_paths = scopes.paths(model)
    rows = model._base_manager.all()
    ids = {"customer": [customer.pk],
           "contract": list(Contract.objects.filter(customer=customer).values_list("pk", flat=True)),
           "project": list(Project.objects.filter(customer=customer).values_list("pk", flat=True))}
    if model_paths:
        condition, unset = Q(), Q()
        for key, path in model_paths.items():
            field = path or "pk"
            condition |= unset & Q(**{f"{field}__in": ids[key]})
            unset &= Q(**{f"{field}__isnull": True})
        rows = rows.filter(condition)
    return rows.order_by("-pk")


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _request(client, method, url):
    if method in ("put", "patch", "post"):
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url)


def _probes(model):
    """The objects to try on a route: the newest of each customer (shared ones first, so the shared case is
    tested too), or the company's newest when the model has no scope."""
    from customers.models import Customer

    if not scopes.paths(model):
        found = list(model._base_manager.order_by("-pk")[:1])
        return found
    probes = []
    for code in (OWN_CUSTOMER, OTHER_CUSTOMER):
        rows = list(objects_of(model, Customer.objects.get(code=code))[:20])
        probes += rows[:1]
        probes += [row for row in rows[1:] if row.pk != rows[0].pk][:1]
    return probes


def customer_facing(url):
    """Whether the page or API viewset of the URL is made for the customer (core.middleware.customer_facing)."""
    from django.urls import resolve

    from core.middleware import is_customer_facing

    return is_customer_facing(resolve(url).func)


CUSTOMER_ROUTES = [p for p in ROUTES if p.values[2] is not None and p.values[2] is not Attachment]


@pytest.mark.parametrize(("route", "name", "model", "methods", "kwargs"), CUSTOMER_ROUTES)
def test_a_customer_contact_gets_404_on_what_is_not_shared_with_them(route, name, model, methods, kwargs, demo,
                                                                      contacts):
    clients = {user: _client(user) for user in contacts.values()}  # signing in is audited too
    for obj in _probes(model):
        try:
            url = url_of(name, kwargs, obj)
        except AssertionError:  # the object lacks the row the route also names
            continue
        for user, client in clients.items():
            shared = shared_with(obj, user)
            for method in methods:
                written = AuditEntry.objects.count()
                status = _request(client, method, url).status_code
                if not shared:
                    assert status == 404, f"{user.username} {method.upper()} {url}: {status} (not shared)"
                    assert AuditEntry.objects.count() == written, f"{user.username} {method.upper()} {url} wrote"
                elif method == "get":
                    assert status == (200 if customer_facing(url) else 404), f"{user.username} GET {url}: {status}"
                else:  # refused (or an incomplete request refused first), never done
                    assert status in (400, 403, 404, 405), f"{user.username} {method.upper()} {url}: {status}"
                    assert AuditEntry.objects.count() == written, f"{user.username} {method.upper()} {url} wrote"


def _api_lists():
    from api.urls import router

    return [pytest.param(f"/api/{prefix}/", viewset, viewset.queryset.model, id=prefix)
            for prefix, viewset, _basename in router.registry]


def test_every_api_made_for_the_customer_reads_a_model_shared_with_them():
    from api.urls import router

    for prefix, viewset, _basename in router.registry:
        if getattr(viewset, "customer_facing", False):
            label = viewset.queryset.model._meta.label_lower
            assert label in SHARED and Role.CUSTOMER in MATRIX[label]["view"], prefix


@pytest.mark.parametrize(("url", "viewset", "model"), _api_lists())
def test_an_api_list_holds_exactly_what_is_shared(url, viewset, model, demo, contacts):
    """Made for the customer (`customer_facing`) and named in the matrix: exactly what is shared; else 404."""
    for user in contacts.values():
        response = _client(user).get(url, {"limit": 500})
        if not getattr(viewset, "customer_facing", False) or \
                Role.CUSTOMER not in MATRIX.get(model._meta.label_lower, {}).get("view", ()):
            assert response.status_code == 404, f"{user.username} GET {url}: {response.status_code}"
            continue
        assert response.status_code == 200, f"{user.username} GET {url}: {response.status_code}"
        body = response.json()
        listed = {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}
        expected = {obj.pk for obj in model._base_manager.all() if shared_with(obj, user)}
        assert listed == expected, f"{user.username} {url}"


# ---- the positive cases and the customer's pages ---------------------------------------------------------------

def _own_report(status):
    from reporting.models import MonthlyServiceReport

    return MonthlyServiceReport.objects.filter(contract__customer__code=OWN_CUSTOMER, status=status).first()


def _draft_of(report, user):
    """The next version of the issued report, a draft the PM is writing."""
    from core import records

    return records.new_version(report, user)


def test_the_customer_sees_their_issued_report_not_the_draft(demo, contacts):
    issued = _own_report("issued")
    assert issued is not None, "the demo issues a monthly report to 温州市水务集团"
    draft = _draft_of(issued, demo["pm"])
    own, other = _client(contacts[OWN_CUSTOMER]), _client(contacts[OTHER_CUSTOMER])
    home = own.get("/portal/")
    assert home.status_code == 200
    text = home.content.decode()
    assert issued.number in text and reverse("portal:report", args=[issued.pk]) in text
    assert reverse("portal:report", args=[draft.pk]) not in text
    assert own.get(reverse("portal:report", args=[issued.pk])).status_code == 200
    assert own.get(reverse("portal:report", args=[draft.pk])).status_code == 404
    assert own.get(reverse("reporting:monthlyservicereport_export", args=[issued.pk]) + "?format=pdf").status_code \
        == 200
    assert own.get(reverse("reporting:monthlyservicereport_export", args=[draft.pk]) + "?format=pdf").status_code \
        == 404
    assert own.get(f"/api/reporting/monthly-reports/{issued.pk}/").status_code == 200
    assert own.get(f"/api/reporting/monthly-reports/{draft.pk}/").status_code == 404
    listed = {row["id"] for row in own.get("/api/reporting/monthly-reports/").json()["results"]}
    assert issued.pk in listed and draft.pk not in listed
    # Another customer's contact: neither, and nothing of 温州水务 on their home page.
    assert other.get(reverse("portal:report", args=[issued.pk])).status_code == 404
    other_home = other.get("/portal/").content.decode()
    assert issued.number not in other_home and "温州" not in other_home


def test_the_customer_sees_their_signed_contract_and_sla(demo, contacts):
    from contracts.models import Contract

    contract = Contract.objects.filter(customer__code=OWN_CUSTOMER, status="signed").order_by("pk").first()
    own = _client(contacts[OWN_CUSTOMER])
    page = own.get(reverse("portal:contract", args=[contract.pk]))
    assert page.status_code == 200 and contract.number in page.content.decode()
    sla = contract.slas.filter(status="signed").first()
    if sla is not None:
        assert own.get(reverse("portal:sla", args=[sla.pk])).status_code == 200
    assert _client(contacts[OTHER_CUSTOMER]).get(reverse("portal:contract", args=[contract.pk])).status_code == 404
    unsigned = Contract.objects.exclude(status="signed").first()
    assert own.get(reverse("portal:contract", args=[unsigned.pk])).status_code == 404


def test_minutes_are_shared_once_distributed_to_the_contact(demo, contacts):
    from reporting.models import MeetingAttendee, MeetingMinutes

    minutes = MeetingMinutes.objects.filter(status="distributed").first()
    assert minutes is not None
    own = _client(contacts[OWN_CUSTOMER])
    url = reverse("portal:minutes", args=[minutes.pk])
    assert own.get(url).status_code == 404
    MeetingAttendee.objects.create(meeting=minutes.meeting, user=contacts[OWN_CUSTOMER])
    assert own.get(url).status_code == 200
    assert minutes.number in own.get("/portal/").content.decode()
    assert _client(contacts[OTHER_CUSTOMER]).get(url).status_code == 404


COMPANY_PAGES = ["/register/", "/audit/", "/permissions/", "/org/user/", "/contracts/contract/",
                 "/reporting/monthlyservicereport/", "/projects/project/", "/customers/customer/"]


def test_the_customer_lands_on_their_own_view_and_the_company_pages_do_not_exist(demo, contacts):
    own = _client(contacts[OWN_CUSTOMER])
    response = own.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    for url in COMPANY_PAGES:
        assert own.get(url).status_code == 404, url
    home = own.get("/portal/")
    menu = [url for _stage, entries in home.context["nav_stages"] for _label, url in entries]
    assert menu == [reverse("portal:home"), reverse("notifications:notification_list")]
    assert home.context["nav_more"] == []
    assert reverse("core:permissions") not in home.content.decode()
    assert own.get(reverse("notifications:notification_list")).status_code == 200
    assert own.get(reverse("org:preferences")).status_code == 200


def test_the_company_sees_the_portal_as_a_preview_and_keeps_its_home(client_for, demo):
    from contracts.models import Contract

    contract = Contract.objects.filter(customer__code=OWN_CUSTOMER, status="signed").order_by("pk").first()
    sales = client_for("sales")
    assert sales.get("/portal/").status_code == 302
    page = sales.get(reverse("portal:contract", args=[contract.pk]))
    assert page.status_code == 200 and page.context["preview"]


# ---- giving and revoking a sign-in ----------------------------------------------------------------------------

def test_sales_gives_a_contact_a_sign_in_shown_once_and_revokes_it(client_for, demo):
    from django.test import Client

    from customers.models import Contact

    contact = Contact.objects.get(customer__code=OWN_CUSTOMER, user__isnull=True, name="陈晓燕")
    sales = client_for("sales")
    url = reverse("portal:contact_sign_in", args=[contact.pk])
    assert sales.get(url).status_code == 200
    assert client_for("pm").get(url).status_code in (403, 404)
    assert sales.post(url, {"username": "customer"}).status_code == 400  # taken
    response = sales.post(url, {"username": "chen.xy", "email": "chen@wzwater.example.com"})
    assert response.status_code == 200
    password = response.context["password"]
    contact.refresh_from_db()
    assert contact.user.username == "chen.xy" and contact.user.own_roles == {Role.CUSTOMER}
    assert not contact.user.check_password("wrong") and contact.user.check_password(password)
    assert password not in str(AuditEntry.objects.filter(object_repr__contains="chen").values_list("changes"))
    browser = Client()
    assert browser.post("/login/", {"username": "chen.xy", "password": password}).status_code == 302
    assert browser.get("/", follow=True).request["PATH_INFO"] == reverse("portal:home")
    customer_page = sales.get(contact.customer.get_absolute_url()).content.decode()
    assert "contact-sign-ins" in customer_page and "chen.xy" in customer_page
    assert sales.post(reverse("portal:contact_revoke", args=[contact.pk])).status_code == 302
    contact.user.refresh_from_db()
    assert not contact.user.is_active
    assert browser.get("/portal/").status_code == 302  # signed out: the session's user is inactive
    refused = Client().post("/login/", {"username": "chen.xy", "password": password})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated


def test_the_user_form_keeps_a_customer_contacts_role(demo, client_for):
    """The company's user form offers only the company's roles and does not strip the customer's."""
    from org.forms import UserForm

    customer = demo["customer"]
    form = UserForm(instance=customer)
    assert Role.CUSTOMER not in dict(form.fields["roles"].choices)
    data = {"username": customer.username, "last_name": customer.last_name, "first_name": "", "email": "",
            "department": "", "title": "", "phone": "", "is_active": "on", "roles": []}
    form = UserForm(data, instance=customer)
    assert form.is_valid(), form.errors
    form.save()
    form.save_related(demo["admin"])
    assert customer.role_assignments.filter(role=Role.CUSTOMER).exists()
