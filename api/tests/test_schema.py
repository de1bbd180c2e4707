"""The OpenAPI schema: who may read it, that it is generated once per language, and that it says what the API does."""

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.schema import SchemaView

SCHEMA, DOCS = "/api/schema/", "/api/docs/"
OPERATIONS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def fresh_schema_cache(monkeypatch):
    """A process that has not seen the schema, in a deployment whose shared cache has not either."""
    from django.core.cache import cache

    monkeypatch.setattr(SchemaView, "generated", {})
    cache.clear()


@pytest.fixture(scope="module")
def schema():
    """What GET /api/schema/?lang=en answers (test_schema_is_generated_once_per_language reads it over HTTP)."""
    from django.utils import translation

    with translation.override("en"):
        return SchemaView.schema_for_language()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in OPERATIONS:
                yield path, method, operation


def response_schema(schema, path, method="get", code="200"):
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def enum(schema, ref):
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["enum"]


# ---- who may read it -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_schema_and_docs_refuse_a_visitor_who_is_not_signed_in(fresh_schema_cache):
    anonymous = APIClient()
    assert anonymous.get(SCHEMA).status_code == 401
    docs = anonymous.get(DOCS)
    assert docs.status_code == 302 and docs["Location"].startswith("/login/?next=/api/docs/")


def test_schema_and_docs_are_read_with_a_token_or_a_session(demo, fresh_schema_cache):
    token = APIClient(headers={"Authorization": f"Token {Token.objects.create(user=demo['sales']).key}"})
    assert token.get(SCHEMA).status_code == 200
    session = APIClient()
    session.force_login(demo["sales"])
    assert session.get(SCHEMA).status_code == 200
    assert session.get(DOCS).status_code == 200


@pytest.mark.django_db
@override_settings(SERVPLAN_PUBLIC_API_SCHEMA=True)
def test_a_setting_publishes_schema_and_docs(fresh_schema_cache):
    anonymous = APIClient()
    assert anonymous.get(SCHEMA).status_code == 200
    assert anonymous.get(DOCS).status_code == 200


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404():
    response = APIClient().get("/api/contracts/1.5e-3/transitions/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and "detail" in response.json()


# ---- generated once per language -------------------------------------------------------------------------------

def test_schema_is_generated_once_per_language(demo, fresh_schema_cache, monkeypatch):
    generated = []
    generate = SchemaView.generator_class.get_schema
    monkeypatch.setattr(SchemaView.generator_class, "get_schema",
                        lambda self, **kwargs: generated.append(1) or generate(self, **kwargs))
    client = APIClient()
    client.force_authenticate(demo["auditor"])
    english = [client.get(SCHEMA, {"lang": "en", "format": "json"}).json() for _ in range(3)]
    chinese = [client.get(SCHEMA, {"lang": "zh-hans", "format": "json"}).json() for _ in range(2)]
    assert len(generated) == 2
    assert english[0] == english[2] and chinese[0] == chinese[1]
    assert english[0]["components"]["responses"]["Error401"]["description"] != \
        chinese[0]["components"]["responses"]["Error401"]["description"]


def test_schema_is_generated_once_per_deployment_not_per_process(demo, fresh_schema_cache, monkeypatch):
    """A second app instance (a process with nothing memoised) answers from the shared cache: no generation and no
    rendering, the same bytes."""
    generated = []
    generate = SchemaView.generator_class.get_schema
    monkeypatch.setattr(SchemaView.generator_class, "get_schema",
                        lambda self, **kwargs: generated.append(1) or generate(self, **kwargs))
    client = APIClient()
    client.force_authenticate(demo["auditor"])
    first = client.get(SCHEMA, {"lang": "en"})
    assert first.status_code == 200 and first["Content-Type"].startswith("application/vnd.oai.openapi")
    monkeypatch.setattr(SchemaView, "generated", {})  # another process
    rendered = []
    from drf_spectacular.renderers import OpenApiYamlRenderer

    render = OpenApiYamlRenderer.render
    monkeypatch.setattr(OpenApiYamlRenderer, "render",
                        lambda self, *args, **kwargs: rendered.append(1) or render(self, *args, **kwargs))
    second = client.get(SCHEMA, {"lang": "en"})
    assert second.content == first.content and len(generated) == 1 and not rendered
    assert "attachment" not in second["Content-Disposition"]


# ---- it says what the API does ---------------------------------------------------------------------------------

def test_only_lists_are_paged_and_filtered_an_action_answers_a_plain_array(schema):
    transitions = schema["paths"]["/api/contracts/{id}/transitions/"]["get"]
    assert response_schema(schema, "/api/contracts/{id}/transitions/")["type"] == "array"
    assert [p["name"] for p in transitions["parameters"]] == ["id"]
    assert response_schema(schema, "/api/servicedata/sla/")["type"] == "array"
    assert response_schema(schema, "/api/servicedata/sla/{id}/trend/")["type"] == "array"
    assert response_schema(schema, "/api/contracts/")["$ref"].endswith("/PaginatedContractList")


def test_the_plain_arrays_are_what_the_api_answers(client_for):
    from contracts.models import Contract

    client = client_for("admin")
    contract = Contract.objects.first()
    assert isinstance(client.get(f"/api/contracts/{contract.pk}/transitions/").json(), list)
    assert isinstance(client.get("/api/servicedata/sla/").json(), list)
    assert isinstance(client.get("/api/contracts/").json()["results"], list)


def test_a_record_status_is_documented_with_every_state_of_its_workflow(schema):
    from contracts.choices import SignedStatus
    from core.filtersets import state_choices
    from projects.choices import ChangeStatus
    from reporting.choices import ReportStatus

    def status(component):
        field = schema["components"]["schemas"][component]["properties"]["status"]
        return enum(schema, field["allOf"][0])

    assert status("Contract") == SignedStatus.values
    assert status("MonthlyServiceReport") == ReportStatus.values
    assert status("ChangeRequest") == ChangeStatus.values
    assert set(status("RecordIndex")) == {value for value, _label in state_choices()} >= {"signed", "issued"}


def test_the_status_filter_accepts_every_state_of_the_workflow(client_for):
    client = client_for("admin")
    assert client.get("/api/reporting/monthly-reports/", {"status": "issued"}).status_code == 200
    assert client.get("/api/projects/work-plans/", {"status": "rejected"}).status_code == 200
    assert client.get("/api/reporting/monthly-reports/", {"status": "signed"}).status_code == 400


def test_every_operation_documents_how_it_is_refused(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"401", "403"} <= codes, (method, path)
        assert ("404" in codes) == ("{" in path), (method, path)
        if method != "get":
            assert {"400", "409"} <= codes, (method, path)
    assert schema["components"]["responses"]["Error409"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/Conflict"}


def test_a_refusal_answers_the_documented_body(client_for, schema):
    from jsonschema import validate

    from contracts.models import Contract

    components = {"components": schema["components"]}
    contract = Contract.objects.first()
    blank_title = {"data": {"title": ""}, "content_type": "application/json"}
    refusals = [
        (client_for("auditor").patch(f"/api/contracts/{contract.pk}/", **blank_title), 403, "Error"),
        (client_for("admin").get("/api/contracts/", {"limit": "x"}), 400, "ValidationError"),
        (client_for("admin").get("/api/contracts/999999/"), 404, "Error"),
    ]
    for response, status, component in refusals:
        assert response.status_code == status
        validate(response.json(), {**schema["components"]["schemas"][component], **components})


def test_a_new_version_is_documented_as_created(schema, client_for):
    from documents.models import ProcedureDocument

    assert set(schema["paths"]["/api/documents/procedures/{id}/new-version/"]["post"]["responses"]) >= {"201"}
    approved = ProcedureDocument.objects.filter(status="approved").first()
    if approved is not None:
        response = client_for("admin").post(f"/api/documents/procedures/{approved.pk}/new-version/")
        assert response.status_code == 201


def test_clock_times_are_documented_as_answered(schema, client_for):
    import re

    start = schema["components"]["schemas"]["WorkingHours"]["properties"]["start"]
    assert "format" not in start
    answered = client_for("admin").get("/api/catalog/working-hours/").json()["results"][0]["start"]
    assert re.fullmatch(start["pattern"], answered)


def test_downloads_are_documented_with_their_media_type(schema):
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert set(schema["paths"]["/api/reporting/monthly-reports/{id}/xlsx/"]["get"]["responses"]["200"]["content"]) \
        == {xlsx}
    assert set(schema["paths"]["/api/customers/import-template/"]["get"]["responses"]["200"]["content"]) \
        == {xlsx, "text/csv"}
    assert set(schema["paths"]["/api/reporting/monthly-reports/{id}/generate/"]["post"]["responses"]) >= {"202"}
