"""Object-level scope, generated from the URL configuration, the matrix and the scopes (issue 10).

Every page and API route that names an object (`<pk>`) is found by walking the URL configuration, so a new
endpoint is tested without anyone listing it. The object a page's pk names is the model whose name is the path
segment before it (`projects/workplan/<int:pk>/task/add/`: a work plan), an API route's is its viewset's model;
a route that follows neither convention fails here until it is added to IRREGULAR. Other ids in the route
(`<int:task>`) are taken from the object's own rows.

For every route whose object has a scope (core.scopes.paths: a project, contract or customer), on an object of
the demo that lies inside the demo project manager's reach:
* each confined role out of scope (a project manager and a team member on no project) gets 403 or 404 for
  every method the route answers, and nothing is written (the audit trail does not grow);
* the demo project manager, inside it, reaches it (GET is not 404), and every role the matrix lets read the
  model opens the object's own page and API entry: the confined ones through their project, the others
  company-wide.
"""

import re

import pytest
from django.apps import apps
from django.db.models import Q
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from core import scopes
from core.apps import project_apps
from core.models import Attachment, AuditEntry
from core.permissions import roles_for
from core.roles import OUTSIDE, Role
from core.tests.test_record_types import ROLE_USER
from projects.models import Project, ProjectPlan, TeamMember

IRREGULAR = {
    "contracts/contract/from-proposal/<int:pk>/": "presales.presalesproposal",
    "attachments/<int:pk>/": "core.attachment",  # scoped through its record: test_an_attachment_...
    "closure/internalreview/start/<int:pk>/": "projects.project",
    "closure/acceptancecertificate/from-review/<int:pk>/": "closure.internalreview",
    "jobs/<int:pk>/": "core.backgroundjob",  # a person's own background jobs (core.job_views: the owner or an auditor)
    "jobs/<int:pk>/download/": "core.backgroundjob",
    "assurance/run/<int:pk>/": "assurance.compliancerun",
    "assurance/packs/<int:pk>/": "assurance.evidencepack",
    "assurance/packs/<int:pk>/download/": "assurance.evidencepack",
    "assurance/packs/<int:pk>/rebuild/": "assurance.evidencepack",
}
ROW_KWARGS = {"link": "dependency"}  # a route's id whose name is not its model's
# A route's key that lives in its user's session (an upload kept for its preview): nobody else can hold one, so an
# outsider is refused on the contract alone, and the page itself is opened by its own tests.
SESSION_KWARGS = {"token"}
CONFINED = {Role.PROJECT_MANAGER: "pm", Role.TEAM_MEMBER: "member"}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace))) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), pattern, namespace


def _model_named(name):
    found = [m for app in project_apps() for m in app.get_models() if m._meta.model_name == name]
    return found[0] if len(found) == 1 else None


def _routes():
    routes = []
    for route, pattern, namespace in _walk(get_resolver().url_patterns):
        if "pk" not in route or "(?P<format>" in route:
            continue
        viewset = getattr(pattern.callback, "cls", None)
        if viewset is not None and getattr(viewset, "queryset", None) is not None:
            model = viewset.queryset.model
            methods = tuple(method for method in pattern.callback.actions if method in viewset.http_method_names)
        else:
            label = IRREGULAR.get(route)
            segment = route.split("<int:pk>")[0].rstrip("/").rsplit("/", 1)[-1]
            model = apps.get_model(label) if label else _model_named(segment)
            view = pattern.callback.view_class
            methods = tuple(method for method in ("get", "post") if hasattr(view, method))
        kwargs = [name for name in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route) for name in name if name]
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        routes.append(pytest.param(route, name, model, methods, kwargs, id=route))
    return routes


ROUTES = _routes()
# Routes of objects that belong to a project, contract or customer; the rest are company-wide (the matrix alone).
SCOPED = [p for p in ROUTES if p.values[2] is not None and scopes.paths(p.values[2]) and p.values[2] is not Attachment]


def test_every_route_names_a_model():
    unknown = [p.values[0] for p in ROUTES if p.values[2] is None]
    assert not unknown, f"cannot tell what <pk> names in {unknown}: follow <model_name>/<int:pk>/ or add to IRREGULAR"
    assert len(SCOPED) > 200  # the generation found the project, contract and customer routes


@pytest.fixture
def rows_users_add(demo):
    """Rows the demo company has none of until someone works with it: an import, a live feed and its event, a
    task's progress, a missed target's analysis; made here inside the demo project."""
    import uuid

    from django.utils import timezone

    from projects.models import TaskProgress
    from reporting.models import MetricAnalysis, MonthlyServiceReport
    from servicedata.models import ImportJob, TicketEvent, WebhookEndpoint

    pm = demo["pm"]
    project = Project.objects.of_member(pm).order_by("pk").first()
    ImportJob.objects.create(contract=project.contract, file="imports/demo.csv", name="demo.csv", format="csv",
                             sha256="0" * 64, created_by=pm)
    feed = WebhookEndpoint.objects.create(contract=project.contract, name="demo feed", token=uuid.uuid4().hex,
                                          run_as=pm)
    TicketEvent.objects.create(endpoint=feed, external_id="INC-1", occurred_at=timezone.now(), payload={},
                               sha256="0" * 64)
    TaskProgress.objects.create(project=project, task_key=uuid.uuid4(), recorded_by=pm)
    report = MonthlyServiceReport.objects.filter(contract__projects=project).first()
    if report is not None:  # the demo's reports may carry this analysis already (a missed availability target)
        MetricAnalysis.objects.get_or_create(report=report, metric_key="availability",
                                             defaults={"metric_label": "availability"})
    _closure_disposition(project, demo)
    _connector(project, demo)


def _connector(project, demo):
    """A pull connector of the project's contract (disabled: nothing is read from its address)."""
    from servicedata.models import Connector

    Connector.objects.create(contract=project.contract, name="demo desk", kind="zammad", enabled=False,
                             base_url="https://desk.invalid", run_as=demo["svc_manager"])


def _closure_disposition(project, demo):
    """A checklist item of the project's closure waived by the Service Department manager."""
    from django.utils import timezone

    from closure.models import ClosureDisposition, ProjectClosure

    closure = ProjectClosure.objects.filter(project=project).first()
    if closure is not None:
        ClosureDisposition.objects.create(closure=closure, item_key="report:profile", item_label="report profile",
                                          kind="waived", reason="not needed", decided_by=demo["svc_manager"],
                                          decided_at=timezone.now())


@pytest.fixture
def outsiders(demo, rows_users_add):
    """A project manager and a team member who are on no project."""
    from org.models import RoleAssignment, User

    people = {}
    for role, username in CONFINED.items():
        user = User.objects.create(username=f"{username}_elsewhere", last_name=username,
                                   department=demo[username].department)
        RoleAssignment.objects.create(user=user, role=role)
        people[role] = user
    return people


def inside(model, user):
    """An object of the model inside the user's project: one of the demo's, else one put there (a customer's own
    service tier, say, where the demo has only company-wide ones)."""
    reach = Project.objects.reach(user)
    unset = Q()
    for path in filter(None, scopes.paths(model).values()):
        unset &= Q(**{f"{path}__isnull": True})
    mine = scopes.within(model.objects.all(), user, frozenset({Role.PROJECT_MANAGER}))
    found = mine.exclude(unset).order_by("-pk").first() if unset else mine.order_by("-pk").first()
    if found is None:
        found = model.objects.order_by("-pk").first() or made(model)
        assert found is not None, f"the demo has no {model._meta.label}"
        key, path = next(iter(scopes.paths(model).items()))
        *steps, last = path.split("__")
        owner = found
        for step in steps:
            owner = getattr(owner, step)
        type(owner).objects.filter(pk=owner.pk).update(**{last: reach[key][0]})
    return found


def made(model):
    """An object the demo holds none of by design, made as its service would keep it: the demo company is compliant,
    so its checks find nothing, and a finding is put on one of its records."""
    if model._meta.label_lower != "assurance.finding":
        return None
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from assurance.models import Finding
    from core.compliance import Severity
    from core.display import message
    from reporting.models import ActionItem

    action = ActionItem.objects.order_by("pk").first()
    now = timezone.now()
    return Finding.objects.create(rule_id="ACT-1", clause="10.1", severity=Severity.MINOR, object_id=action.pk,
                                  content_type=ContentType.objects.get_for_model(action), object_label=str(action),
                                  message=message("Meeting action overdue"), first_found=now, last_found=now)


def url_of(name, kwargs, obj):
    values = {"pk": obj.pk}
    for kwarg in kwargs:
        if kwarg in ("pk", "format"):
            continue
        if kwarg in SESSION_KWARGS:
            values[kwarg] = "not-in-this-session"
            continue
        wanted = ROW_KWARGS.get(kwarg, kwarg)
        relation = next(r for r in obj._meta.related_objects if wanted in r.related_model._meta.model_name)
        row = relation.related_model.objects.filter(**{relation.field.name: obj}).first()
        assert row is not None, f"the demo's {obj} has no {relation.related_model._meta.verbose_name}"
        values[kwarg] = row.pk
    return reverse(name, kwargs=values)


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _request(client, method, url):
    if method in ("put", "patch"):
        return getattr(client, method)(url, data={}, content_type="application/json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(("route", "name", "model", "methods", "kwargs"), SCOPED)
def test_out_of_scope_is_refused_and_in_scope_opens(route, name, model, methods, kwargs, demo, client, outsiders):
    obj = inside(model, demo["pm"])
    url = url_of(name, kwargs, obj)
    signed_in = {user: _client(user) for user in outsiders.values()}  # signing in is audited too
    written = AuditEntry.objects.count()
    for user, outsider in signed_in.items():
        for method in methods:
            status = _request(outsider, method, url).status_code
            assert status in (403, 404), f"{user.username} {method.upper()} {url}: {status}"
    assert AuditEntry.objects.count() == written
    # The project's manager opens it (each role opens the object's own page: below).
    if "get" in methods and not SESSION_KWARGS & set(kwargs):
        client.force_login(demo["pm"])
        status = client.get(url).status_code  # 403 may be the matrix (an edit page); never 404
        assert status != 404, f"pm GET {url}: {status}"


DETAILS = sorted({p.values[2] for p in SCOPED}, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", DETAILS, ids=lambda m: m._meta.label)
def test_every_reader_opens_an_object_inside_its_reach(model, demo, client, rows_users_add):
    """Each role the matrix lets read the model opens its page and its API entry: the project roles inside their
    project, the others company-wide; a model that narrows its readers row by row (`restrict_rows`, e.g. security
    incidents) is opened by those its rule lets through and answers 404 to the others."""
    obj = inside(model, demo["pm"])
    row_rule = getattr(model, "restrict_rows", None)
    urls = [url for url in (_page(model, obj), _api(model, obj)) if url]
    assert urls, f"{model._meta.label} has neither a page nor an API entry"
    for role, username in ROLE_USER.items():
        if role in OUTSIDE:  # a customer contact reads only what is shared, through the portal: test_customer_scope
            continue
        if role in roles_for(model._meta.label_lower, "view"):
            client.force_login(demo[username])
            user = demo[username]
            expected = 200 if row_rule is None or row_rule(model.objects.filter(pk=obj.pk), user, "view").exists() \
                else 404
            for url in urls:
                assert client.get(url).status_code == expected, f"{username} GET {url}"


def _page(model, obj):
    try:
        return reverse(f"{model._meta.app_label}:{model._meta.model_name}_detail", args=[obj.pk])
    except NoReverseMatch:  # rows without a page of their own
        return None


def _api(model, obj):
    from api.urls import router

    prefix = next((prefix for prefix, viewset, _ in router.registry if viewset.queryset.model is model), None)
    return f"/api/{prefix}/{obj.pk}/" if prefix else None


# ---- creating: a record is created inside the creator's reach or not at all ------------------------------------

def _create_fields():
    """(API list, field, model it names) for every writable related field naming a scoped model."""
    from rest_framework import serializers

    from api.urls import router

    found = []
    for prefix, viewset, _basename in router.registry:
        if "post" not in viewset.http_method_names or not hasattr(viewset, "create"):
            continue
        for name, field in viewset.serializer_class().fields.items():
            related = getattr(field, "child_relation", field)
            if field.read_only or not isinstance(related, serializers.RelatedField):
                continue
            target = getattr(related, "queryset", None)
            if target is not None and scopes.paths(target.model):
                found.append(pytest.param(f"/api/{prefix}/", name, target.model, id=f"{prefix}.{name}"))
    return found


@pytest.mark.parametrize(("url", "field", "target"), _create_fields())
def test_an_api_create_cannot_name_what_is_out_of_reach(url, field, target, demo, outsiders):
    """The outsider's request fails on that very field (or on the matrix), the project manager's does not."""
    obj = inside(target, demo["pm"])
    value = [obj.pk] if field.endswith("s") and not field.endswith("ss") else obj.pk
    signed_in = {user: _client(user) for user in outsiders.values()}
    written = AuditEntry.objects.count()
    for user, outsider in signed_in.items():
        response = outsider.post(url, {field: value}, content_type="application/json")
        assert response.status_code in (400, 403), f"{user.username} POST {url}: {response.status_code}"
        if response.status_code == 400:
            assert field in response.json(), f"{user.username} named an out-of-reach {field} in {url}"
    assert AuditEntry.objects.count() == written
    response = _client(demo["pm"]).post(url, {field: value}, content_type="application/json")
    if response.status_code == 400:
        assert field not in response.json() or "does not exist" not in str(response.json()[field])


def test_a_project_plan_cannot_be_drafted_for_someone_elses_project(demo, outsiders, client_for):
    """The page offers only one's own projects and refuses another's; nothing is written."""
    project = Project.objects.of_member(demo["pm"]).first()
    outsider = _client(outsiders[Role.PROJECT_MANAGER])
    form = outsider.get("/projects/projectplan/add/")
    assert form.status_code == 200 and project.code not in form.content.decode()
    plans = ProjectPlan.objects.count()
    response = outsider.post("/projects/projectplan/add/", {"project": project.pk, "title": "x",
                                                             "owner_department": demo["pm"].department_id})
    assert response.status_code == 200 and "project" in response.context["form"].errors
    assert ProjectPlan.objects.count() == plans
    assert project.code in client_for("pm").get("/projects/projectplan/add/").content.decode()


def test_a_project_role_on_the_team_reaches_it_and_leaves_with_the_team(demo, outsiders):
    """Reach follows membership: added to the team, the outsider opens the project's work plan; removed, not."""
    project = Project.objects.of_member(demo["pm"]).first()
    plan = inside(ProjectPlan, demo["pm"])
    member = outsiders[Role.TEAM_MEMBER]
    url = f"/projects/projectplan/{plan.pk}/"
    assert _client(member).get(url).status_code == 404
    joined = TeamMember.objects.create(project=project, user=member, start_date=project.start_date,
                                       end_date=project.end_date)
    assert _client(member).get(url).status_code == 200
    joined.delete()
    assert _client(member).get(url).status_code == 404


def test_an_attachment_is_reached_through_its_record(demo, outsiders, client_for):
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    plan = inside(ProjectPlan, demo["pm"])
    attachment = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk, file=ContentFile(b"x", "a.txt"),
        name="a.txt", size=1, sha256="0" * 64, content_kind="text", uploaded_by=demo["pm"])
    url = f"/attachments/{attachment.pk}/"
    for user in outsiders.values():
        assert _client(user).get(url).status_code == 404
    assert client_for("member").get(url).status_code == 200


def test_a_project_role_with_a_department_role_acts_company_wide(demo, outsiders):
    """Scope confines a right only when it comes from a project role alone."""
    from org.models import RoleAssignment

    plan = inside(ProjectPlan, demo["pm"])
    outsider = outsiders[Role.PROJECT_MANAGER]
    assert _client(outsider).get(f"/projects/projectplan/{plan.pk}/").status_code == 404
    RoleAssignment.objects.create(user=outsider, role=Role.SERVICE_STAFF)
    outsider.refresh_from_db()
    assert _client(outsider).get(f"/projects/projectplan/{plan.pk}/").status_code == 200


# ---- approving: never one's own record ---------------------------------------------------------------------------

# A decision that is not one person's approval: the contract review passes when every department that must give
# an opinion has agreed (contracts/review.py), fired by the opinion that completes it; likewise the internal review
# passes when every criterion passes or carries an accepted deviation, fired by the verdict that completes it.
NOT_A_PERSONAL_APPROVAL = {("contract_review", "approve"), ("internal_review", "approve")}


def test_no_record_type_lets_its_author_approve_it():
    from core.registry import registry
    from core.workflow import NOT_AUTHOR

    lenient = [(t.code, tr.name) for t in registry if t.implemented for tr in t.workflow.transitions
               if tr.decides and tr.name.startswith("approve") and NOT_AUTHOR not in tr.conditions]
    assert set(lenient) == NOT_A_PERSONAL_APPROVAL
