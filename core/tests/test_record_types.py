"""Every registered record type, tested the same way through its pages and its API (generated from the registry).

For each type: change, delete, create and transitions for a role the matrix allows and one it refuses; the audit
entry each write leaves; and, once a record is approved, that neither the record nor its rows (`ChildRow`
relations, found from the models) can be changed or deleted, through the API or the pages. Records come from
the demo company, which has every built record type; a type the demo lacks fails here, so it cannot be forgotten.
"""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from core import records
from core.api import ServiceViewSet
from core.choices import AuditAction
from core.models import AuditEntry
from core.permissions import roles_for
from core.registry import registry
from core.roles import Role
from core.rows import child_relations

RECORD_TYPES = [t for t in registry if t.implemented]
ROLE_USER = {
    Role.GENERAL_MANAGER: "gm", Role.MANAGEMENT_REP: "mr", Role.TSD_DIRECTOR: "tsd_director",
    Role.TSD_STAFF: "tsd_staff", Role.SERVICE_MANAGER: "svc_manager", Role.SERVICE_STAFF: "svc_staff",
    Role.PROJECT_MANAGER: "pm", Role.TEAM_MEMBER: "member", Role.COMMERCE: "commerce", Role.SALES: "sales",
    Role.AUDITOR: "auditor", Role.ADMIN: "admin",
    Role.EXTERNAL_AUDITOR: "ext_auditor",  # the demo external audit's auditor (assurance.demo), inside its sample
    Role.CUSTOMER: "customer",  # the demo customer contact (portal.demo), outside the company
}
by_code = pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda t: t.code)


# ---- finding what to test ------------------------------------------------------------------------

def allowed_user(model, action):
    roles = roles_for(model._meta.label_lower, action)
    for role in (Role.ADMIN, *Role.values):
        if role in roles:
            return ROLE_USER[role]
    pytest.fail(f"no role may {action} {model._meta.label}")


def refused_user(model, action):
    """A role that may read the model but not do `action` (the auditor reads everything, writes nothing)."""
    roles = roles_for(model._meta.label_lower, action)
    for role in (Role.AUDITOR, *Role.values):
        if role not in roles and role in roles_for(model._meta.label_lower, "view"):
            return ROLE_USER[role]
    pytest.fail(f"every reader may {action} {model._meta.label}")


def api_of(model):
    """The model's API list: writable for records, maybe read-only for rows written through their record."""
    from api.urls import router

    viewsets = [(prefix, viewset) for prefix, viewset, _basename in router.registry if viewset.queryset.model is model]
    viewsets.sort(key=lambda item: not issubclass(item[1], ServiceViewSet))
    assert viewsets, f"{model._meta.label} has no API"
    return f"/api/{viewsets[0][0]}/"


def page(model, action, pk=None):
    try:
        return reverse(f"{model._meta.app_label}:{model._meta.model_name}_{action}", args=[pk] if pk else [])
    except NoReverseMatch:
        return None


def latest(model, states):
    record = model.objects.filter(status__in=states).order_by("-pk").first()
    return record if record is not None and record.is_latest else \
        next((r for r in model.objects.filter(status__in=states).order_by("-pk") if r.is_latest), None)


def draft(record_type, demo):
    """A draft of the type: one of the demo's, else the next version of an approved one."""
    model, workflow = record_type.model, record_type.workflow
    record = latest(model, workflow.editable_states)
    if record is None:
        approved = latest(model, workflow.frozen_states)
        assert approved is not None, f"the demo company has no {record_type.code} record"
        reopen_project_of(approved)
        record = records.new_version(approved, demo[allowed_user(model, "change")])
    return record


def reopen_project_of(record):
    """The closing records (summary, review, certificate) of the demo live on its closed project, which takes no new
    versions: their pages and API are tested as they were before it closed (this test's transaction only)."""
    project = getattr(record, "project", None)
    if project is not None and project.status == "closed":
        type(project).objects.filter(pk=project.pk).update(status="open")
        record.project.refresh_from_db()


def approved(record_type):
    model = record_type.model
    record = model.objects.filter(status__in=record_type.workflow.frozen_states).order_by("-pk").first()
    assert record is not None, f"the demo company has no approved {record_type.code} record"
    return record


def audit_count(record, action):
    return AuditEntry.objects.filter(content_type__app_label=record._meta.app_label,
                                     content_type__model=record._meta.model_name, object_id=str(record.pk),
                                     action=action).count()


# ---- change --------------------------------------------------------------------------------------

@by_code
def test_change_over_the_api(record_type, demo, client_for):
    record = draft(record_type, demo)
    url = f"{api_of(record_type.model)}{record.pk}/"
    refused = client_for(refused_user(record_type.model, "change")).patch(
        url, {"title": "refused"}, content_type="application/json")
    assert refused.status_code == 403, refused.content
    writes = audit_count(record, AuditAction.UPDATE)
    response = client_for(allowed_user(record_type.model, "change")).patch(
        url, {"change_note": "changed over the API", "lock_version": record.lock_version},
        content_type="application/json")
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.change_note == "changed over the API"
    assert audit_count(record, AuditAction.UPDATE) == writes + 1


class FormReader(HTMLParser):
    """The values a browser would post back from each POST form of a page (inputs, selects, text areas)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    @property
    def data(self):
        return self.forms[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms:
            return
        if tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        name = attrs.get("name")
        if not name or "disabled" in attrs:  # a browser posts no disabled field
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self.data.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "input" and kind not in ("submit", "button", "file"):
            self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(html):
    """The record's edit form: the one carrying its lock version."""
    reader = FormReader()
    reader.feed(html)
    return next(form for form in reader.forms if "lock_version" in form)


@by_code
def test_change_on_the_page(record_type, demo, client_for):
    record = draft(record_type, demo)
    url = page(record_type.model, "edit", record.pk)
    assert url, f"{record_type.code} has no edit page"
    assert client_for(refused_user(record_type.model, "change")).get(url).status_code == 403
    client = client_for(allowed_user(record_type.model, "change"))
    response = client.get(url)
    assert response.status_code == 200
    values = form_values(response.content.decode())
    values["change_note"] = ["changed on the page"]
    writes = audit_count(record, AuditAction.UPDATE)
    response = client.post(url, values)
    assert response.status_code in (302, 204), response.content.decode()[-3000:]
    record.refresh_from_db()
    assert record.change_note == "changed on the page"
    assert audit_count(record, AuditAction.UPDATE) >= writes + 1


# ---- delete --------------------------------------------------------------------------------------

@by_code
def test_delete_a_draft(record_type, demo, client_for):
    record = draft(record_type, demo)
    url = f"{api_of(record_type.model)}{record.pk}/"
    assert client_for(refused_user(record_type.model, "delete")).delete(url).status_code == 403
    assert record_type.model.objects.filter(pk=record.pk).exists()
    response = client_for(allowed_user(record_type.model, "delete")).delete(url)
    if response.status_code == 400:  # still used by another record: refused with the reason, nothing deleted
        assert "used by" in response.content.decode()
        assert record_type.model.objects.filter(pk=record.pk).exists()
        return
    assert response.status_code == 204, response.content
    assert not record_type.model.objects.filter(pk=record.pk).exists()
    assert audit_count(record, AuditAction.DELETE) == 1


@by_code
def test_delete_page_refuses_other_roles(record_type, demo, client_for):
    record = draft(record_type, demo)
    url = page(record_type.model, "delete", record.pk)
    assert url, f"{record_type.code} has no delete page"
    assert client_for(refused_user(record_type.model, "delete")).post(url).status_code == 403
    assert record_type.model.objects.filter(pk=record.pk).exists()


# ---- transitions -----------------------------------------------------------------------------------

@by_code
def test_transitions_from_draft(record_type, demo, client_for):
    """Each transition out of a draft: refused for a role without it; for its holder done or blocked with reasons."""
    record = draft(record_type, demo)
    url = f"{api_of(record_type.model)}{record.pk}/transition/"
    transitions = [t for t in record_type.workflow.transitions if record.status in t.sources]
    assert transitions, f"nothing can be done to a {record_type.code} draft"
    for t in transitions:
        refused = client_for(refused_user(record_type.model, t.name)).post(
            url, {"transition": t.name, "comment": "x"}, content_type="application/json")
        assert refused.status_code == 403, (t.name, refused.content)
        record.refresh_from_db()
        assert record.status in t.sources
    t = transitions[0]
    before = audit_count(record, AuditAction.TRANSITION)
    response = client_for(allowed_user(record_type.model, t.name)).post(
        url, {"transition": t.name, "comment": "x"}, content_type="application/json")
    assert response.status_code in (200, 400), response.content
    record.refresh_from_db()
    if response.status_code == 200:
        assert record.status == t.target
        assert audit_count(record, AuditAction.TRANSITION) == before + 1
    else:
        assert record.status in t.sources and response.json()["detail"]


# ---- approved records and their rows are frozen --------------------------------------------------

@by_code
def test_approved_record_is_frozen(record_type, demo, client_for):
    record = approved(record_type)
    client = client_for(allowed_user(record_type.model, "change"))
    url = f"{api_of(record_type.model)}{record.pk}/"
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 400
    assert client_for(allowed_user(record_type.model, "delete")).delete(url).status_code == 400
    record.refresh_from_db()
    assert record.title != "x"


def frozen_rows(record_type):
    record = approved(record_type)
    for rel in child_relations(record_type.model):
        if rel.related_model.frozen_with_record:
            row = rel.related_model.objects.filter(**{rel.field.name: record}).first()
            if row is not None:
                yield row


@by_code
def test_rows_of_an_approved_record_are_frozen(record_type, demo, client_for):
    for row in frozen_rows(record_type):
        model = type(row)
        user = demo[allowed_user(model, "delete")]
        with pytest.raises(ValidationError):
            records.delete(row, user)
        url = f"{api_of(model)}{row.pk}/"
        client = client_for(allowed_user(model, "change"))
        assert client.delete(url).status_code in (400, 405)
        assert model.objects.filter(pk=row.pk).exists()
        response = client.patch(url, {}, content_type="application/json")
        assert response.status_code in (400, 405), response.content


# ---- create ----------------------------------------------------------------------------------------

def posted_copy(record_type, record, client):
    """What a client would POST to create a record like `record`: its API representation, writable fields only."""
    url = api_of(record_type.model)
    data = client.get(f"{url}{record.pk}/").json()
    serializer = client.options(url).json().get("actions", {}).get("POST", {})
    return {name: value for name, value in data.items()
            if name in serializer and not serializer[name].get("read_only")}


@by_code
def test_create_over_the_api(record_type, demo, client_for):
    model = record_type.model
    record = draft(record_type, demo)
    client = client_for(allowed_user(model, "add"))
    data = posted_copy(record_type, record, client)
    url = api_of(model)
    assert client_for(refused_user(model, "add")).post(url, data, content_type="application/json").status_code == 403
    response = client.post(url, data, content_type="application/json")
    if response.status_code == 400:  # a rule of the type (one per project, ...) refuses a copy: it says which field
        assert response.json(), response.content
        return
    assert response.status_code == 201, response.content
    created = model.objects.get(pk=response.json()["id"])
    assert created.status == record_type.workflow.initial and created.version == 1
    assert audit_count(created, AuditAction.CREATE) == 1


# ---- transitions through the page ------------------------------------------------------------------

@by_code
def test_transition_on_the_page(record_type, demo, client_for):
    record = draft(record_type, demo)
    url = page(record_type.model, "transition", record.pk)
    t = next(t for t in record_type.workflow.transitions if record.status in t.sources)
    refused = client_for(refused_user(record_type.model, t.name)).post(url, {"transition": t.name, "comment": "x"})
    assert refused.status_code == 403
    response = client_for(allowed_user(record_type.model, t.name)).post(url, {"transition": t.name, "comment": "x"})
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    record.refresh_from_db()
    assert record.status in (t.target, *t.sources)


def test_every_writable_api_writes_through_the_services():
    """A writable endpoint's serializer is a RecordSerializer: rows and links go through core.records/core.rows."""
    from api.urls import router
    from core.api import RecordSerializer

    bypass = [prefix for prefix, viewset, _basename in router.registry
              if issubclass(viewset, ServiceViewSet) and not issubclass(viewset.serializer_class, RecordSerializer)]
    assert not bypass, bypass
