"""Pages and API of service data: permissions (none / allowed / wrong role), import flow, constant query counts."""

import json
import re

import pytest
from django.urls import reverse

from core.choices import AuditAction
from core.models import AuditEntry, BackgroundJob
from servicedata.choices import ImportStatus
from servicedata.models import ImportJob, Ticket

from .helpers import csv_bytes, import_records, upload
from .test_import import GOOD
from .test_sla import TICKETS


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


def _tickets(contract, user, count, system="bulk"):
    records = [{"external_id": f"Q-{i}", "priority": "P3", "created": "2026-03-02 09:00", "category": "软件问题",
                "first_response": "2026-03-02 09:30"} for i in range(count)]
    assert not import_records(contract, user, records, external_system=system).rejected


# ---- pages ---------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, contract):
    for url in (reverse("servicedata:contract_tickets", args=[contract.pk]),
                reverse("servicedata:sla_dashboard", args=[contract.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_service_data_page_lists_filters_and_offers_import(contract, client_for, demo):
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    url = reverse("servicedata:contract_tickets", args=[contract.pk])
    page = client_for("svc_staff").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="import-form"' in html and "T5" in html
    # Filters: priority and breached (T3 late response, T5 open past target).
    page = client_for("auditor").get(url, {"priority": ["P1"], "breached": "any"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "T3" in html and "T1" not in html and 'id="import-form"' not in html  # auditors may not import
    breached = client_for("auditor").get(url, {"breached": "any"}, HTTP_HX_REQUEST="true",
                                         HTTP_HX_TARGET="object-table").content.decode()
    assert "T3" in breached and "T5" in breached and "T4" not in breached and "<html" not in breached


def test_upload_runs_the_job_and_shows_progress(contract, client_for):
    client = client_for("svc_staff")
    url = reverse("servicedata:contract_import", args=[contract.pk])
    response = client.post(url, {"file": upload("march.csv", csv_bytes(GOOD)), "external_system": "itsm"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job = ImportJob.objects.get(name="march.csv")
    assert job.status == ImportStatus.DONE and job.created_count == 3 and job.progress == 100
    assert 'hx-trigger="every 1s"' not in response.content.decode()  # finished: polling stops
    assert Ticket.objects.filter(contract=contract).count() == 3
    entry = AuditEntry.objects.get(action=AuditAction.BULK, changes__contract=contract.pk)
    assert entry.object_id == str(job.pk) and entry.changes["sha256"] == job.sha256

    bad = csv_bytes(GOOD + [{"external_id": "B-1", "priority": "P9", "created": "2026-03-03 09:00"}])
    client.post(url, {"file": upload("bad.csv", bad), "external_system": "itsm"})
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.REJECTED and job.errors[0]["row"] == 5 and job.errors[0]["field"] == "priority"
    detail = client.get(job.get_absolute_url()).content.decode()
    assert 'id="error-report"' in detail and "P9" in detail


def test_progress_panel_polls_while_running(contract, client_for, demo):
    job = ImportJob.objects.create(contract=contract, name="big.csv", format="csv", sha256="0" * 64,
                                   created_by=demo["svc_staff"], status=ImportStatus.WRITING, progress=42,
                                   processed_rows=420)
    html = client_for("auditor").get(reverse("servicedata:importjob_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="42"' in html


def test_upload_permission(contract, client_for):
    url = reverse("servicedata:contract_import", args=[contract.pk])
    for username, expected in (("sales", 403), ("auditor", 403), ("pm", 302), ("svc_manager", 302)):
        response = client_for(username).post(url, {"file": upload("a.csv", csv_bytes(GOOD[:1])),
                                                   "external_system": "itsm"})
        assert response.status_code == expected, username


def test_sla_dashboard(contract, client_for, demo):
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    url = reverse("servicedata:sla_dashboard", args=[contract.pk])
    page = client_for("auditor").get(url, {"month": "2026-03"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="sla-chart-data"' in html and "js/sla_dashboard.js" in html and "<script>" not in html
    assert 'id="recompute-form"' not in html  # auditors do not recompute
    data = json.loads(re.search(r'id="sla-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert data["priorities"] == ["P1", "P2", "P3", "P4"] and data["response"][0] == pytest.approx(66.67)
    assert len(data["trend"]["labels"]) == 12 and data["trend"]["labels"][-1] == "2026-03"
    assert 'id="recompute-form"' in client_for("svc_manager").get(url).content.decode()


def test_recompute_button_permission_and_audit(contract, client_for, demo):
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    url = reverse("servicedata:sla_recompute", args=[contract.pk])
    assert client_for("svc_staff").post(url).status_code == 403
    assert client_for("sales").post(url).status_code == 403
    response = client_for("svc_manager").post(url, {"comment": "new holiday", "month": "2026-03"})
    # A background job (run at once by the immediate task backend here): the page follows it, then links back.
    job = BackgroundJob.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "recompute" and job.owner == demo["svc_manager"] and job.state == "done"
    assert job.total == job.done == 6 and job.link.endswith("?month=2026-03")
    page = client_for("svc_manager").get(job.get_absolute_url()).content.decode()
    assert "6 tickets" in page and job.link.replace("?", "") in page.replace("?", "").replace("&amp;", "&")
    entry = AuditEntry.objects.filter(action=AuditAction.BULK).latest("seq")
    assert entry.user == demo["svc_manager"] and entry.changes["tickets"] == 6 and entry.comment == "new holiday"
    assert entry.request_id == job.request_id


def test_ticket_detail_page(contract, client_for, demo):
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    ticket = Ticket.objects.get(external_id="T4")
    html = client_for("auditor").get(ticket.get_absolute_url()).content.decode()
    assert 'id="ticket-clocks"' in html and 'id="ticket-pauses"' in html and 'id="edit-button"' not in html


def test_outage_pages_write_through_records(contract, client_for):
    client = client_for("svc_staff")
    form = {"contract": contract.pk, "start": "2026-03-03T10:00", "end": "2026-03-03T11:00",
            "description": "核心交换机故障"}
    response = client.post(reverse("servicedata:outage_add"), form)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_repr__contains="核心交换机故障").exists()
    assert client_for("sales").get(reverse("servicedata:outage_add")).status_code == 403


# ---- API ----------------------------------------------------------------------------------------

def test_api_push_and_list(contract, client_for):
    body = {"contract": contract.pk, "external_system": "itsm", "tickets": GOOD}
    response = client_for("pm").post("/api/servicedata/tickets/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3
    again = client_for("pm").post("/api/servicedata/tickets/", body, content_type="application/json").json()
    assert (again["created"], again["unchanged"]) == (0, 3)
    bad = dict(body, tickets=[dict(GOOD[0], external_id="N-1"), {"external_id": "N-2", "priority": "P1"}])
    response = client_for("pm").post("/api/servicedata/tickets/", bad, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0] == {
        "row": 2, "field": "created", "message": "Required.", "value": ""}
    assert not Ticket.objects.filter(external_id="N-1").exists()
    chinese = {"contract": contract.pk, "tickets": [{"工单号": "ZH-1", "优先级": "高", "创建时间": "2026-03-03 09:00"}]}
    assert client_for("pm").post("/api/servicedata/tickets/", chinese, content_type="application/json") \
        .json()["created"] == 1
    listing = client_for("auditor").get("/api/servicedata/tickets/", {"priority": "P1", "contract": contract.pk}).json()
    assert listing["count"] == 1 and listing["results"][0]["response_seconds"] == 20 * 60


def test_api_push_permissions(contract, client_for):
    body = {"contract": contract.pk, "tickets": GOOD[:1]}
    for username, expected in (("sales", 403), ("auditor", 403), ("svc_staff", 200)):
        response = client_for(username).post("/api/servicedata/tickets/", body, content_type="application/json")
        assert response.status_code == expected, username
    assert client_for("svc_staff").put("/api/servicedata/tickets/1/", {}, content_type="application/json") \
        .status_code in (403, 405)


def test_api_import_job_upload(contract, client_for):
    client = client_for("svc_staff")
    response = client.post("/api/servicedata/import-jobs/", {"contract": contract.pk, "file": upload(
        "a.csv", csv_bytes(GOOD))})
    assert response.status_code == 202, response.content
    job = client.get(f"/api/servicedata/import-jobs/{response.json()['id']}/").json()
    assert job["status"] == "done" and job["created_count"] == 3
    assert client_for("sales").post("/api/servicedata/import-jobs/", {"contract": contract.pk, "file": upload(
        "a.csv", csv_bytes(GOOD))}).status_code == 403


def test_api_sla_metrics(contract, client_for, demo):
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    data = client_for("auditor").get(f"/api/servicedata/sla/{contract.pk}/", {"month": "2026-03"}).json()
    assert data["response_overall"]["percent"] == pytest.approx(60.0)
    assert [f["counted"] for f in data["resolution"]] == [3, 1, 1, 0]
    trend = client_for("auditor").get(f"/api/servicedata/sla/{contract.pk}/trend/",
                                      {"month": "2026-03", "months": 2}).json()
    assert [p["month"] for p in trend] == ["2026-02", "2026-03"]
    assert client_for("auditor").get(f"/api/servicedata/sla/{contract.pk}/", {"month": "x"}).status_code == 400
    recompute = f"/api/servicedata/sla/{contract.pk}/recompute/"
    assert client_for("svc_staff").post(recompute, {}, content_type="application/json").status_code == 403
    response = client_for("tsd_director").post(recompute, {"since": "2026-03-10"}, content_type="application/json")
    job = response.json()  # a background job (run at once by the immediate task backend here)
    assert response.status_code == 202 and job["state"] == "done" and job["kind"] == "recompute"
    assert job["total"] == job["done"] == 2 and "2 tickets" in job["message"]  # T5 and T6
    assert client_for("tsd_director").get(f"/api/core/jobs/{job['id']}/").json()["state"] == "done"


def test_api_outages(contract, client_for):
    body = {"contract": contract.pk, "start": "2026-03-03T10:00:00+08:00", "end": "2026-03-03T09:00:00+08:00"}
    assert client_for("svc_staff").post("/api/servicedata/outages/", body,
                                        content_type="application/json").status_code == 400
    body["end"] = "2026-03-03T11:00:00+08:00"
    assert client_for("svc_staff").post("/api/servicedata/outages/", body,
                                        content_type="application/json").status_code == 201
    assert client_for("sales").post("/api/servicedata/outages/", body,
                                    content_type="application/json").status_code == 403


# ---- query budgets ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["list", "contract", "api"])
def test_query_count_does_not_grow_with_rows(page, contract, client_for, demo, queries_of):
    client = client_for("auditor")
    url = {"list": reverse("servicedata:ticket_list"),
           "contract": reverse("servicedata:contract_tickets", args=[contract.pk]),
           "api": "/api/servicedata/tickets/"}[page]
    params = {"per_page": 200} if page != "api" else {"limit": 200}
    _tickets(contract, demo["svc_staff"], 10, "ten")
    few = queries_of(client, url, params)
    _tickets(contract, demo["svc_staff"], 190, "more")
    many = queries_of(client, url, params)
    assert many == few, (few, many)


def test_sla_overview_lists_contracts_with_their_figures(contract, client_for, demo):
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    html = client_for("gm").get(reverse("servicedata:sla_overview")).content.decode()
    assert html.count("servicedata/contract/") >= 6  # dashboard and service data links for 3 contracts
    assert "宁波第一医院" in html and "2026-03" in html
