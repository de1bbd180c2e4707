"""Pull connectors against a local HTTP server that answers with responses recorded from each tool's API
documentation (servicedata/tests/recorded/<tool>/): an initial sync, an incremental sync (only the changed tickets
are asked for and written), an API error mid-way (nothing written, retried with a backoff, the retry writes
everything once), credentials never in logs, pages, the API or the audit trail, and the periodic tick."""

import base64
import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from core import crypto
from core.models import AuditEntry
from servicedata import sla
from servicedata.choices import ConnectorKind, ConnectorState, ImportSource, ImportStatus
from servicedata.connectors import base, credentials
from servicedata.connectors.sync import backoff, run
from servicedata.connectors.tasks import enqueue_due
from servicedata.models import Connector, ImportJob, Ticket

RECORDED = Path(__file__).parent / "recorded"
LOGIN, SECRET, APP_TOKEN = "sync.bot@acme.example", "s3cr3t-Tok3n-9f8e7d6c", "app-T0ken-1a2b3c4d"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGE = 2  # the recorded answers hold two tickets a page


def recorded(tool, name):
    return json.loads((RECORDED / tool / f"{name}.json").read_text())


class Desk:
    """What the local server answers: the recorded page of the current mode ("initial" or "changed"), page 2
    failing with the tool's HTTP 500 while `fail_page` says so; every request is kept for the assertions."""

    def __init__(self, tool):
        self.tool, self.mode, self.fail_page, self.requests = tool, "initial", None, []

    def page_file(self, number):
        return f"{self.prefix}_page{number}" if self.mode == "initial" else f"{self.prefix}_changed_page{number}"

    def answer(self, path, params, headers):
        self.requests.append((path, params, headers))
        handler = getattr(self, self.tool)
        return handler(path, params, headers)

    def listing(self, number):
        if self.fail_page == number:
            return 500, recorded(self.tool, "error_500")
        return 200, recorded(self.tool, self.page_file(number))

    def servicenow(self, path, params, headers):
        self.prefix = "incident"
        expected = "Basic " + base64.b64encode(f"{LOGIN}:{SECRET}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {"error": {"message": "User Not Authenticated"}, "status": "failure"}
        if path == "/api/now/table/incident":
            return self.listing(int(params["sysparm_offset"]) // PAGE + 1)
        if path == "/api/now/table/sys_audit":
            return 200, recorded("servicenow", "sys_audit" if self.mode == "initial" else "sys_audit_changed")
        return 404, {"error": {"message": "No such table"}}

    def jira(self, path, params, headers):
        self.prefix = "search"
        expected = "Basic " + base64.b64encode(f"{LOGIN}:{SECRET}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {"errorMessages": ["You are not authenticated."]}
        if path == "/rest/api/2/myself":
            return 200, recorded("jira", "myself")
        if path == "/rest/api/2/search":
            return self.listing(int(params["startAt"]) // PAGE + 1)
        return 404, {"errorMessages": ["Not found"]}

    def glpi(self, path, params, headers):
        self.prefix = "search"
        if headers.get("App-Token") != APP_TOKEN:
            return 400, ["ERROR_WRONG_APP_TOKEN_PARAMETER", "missing or wrong app token"]
        if path == "/apirest.php/initSession":
            if headers.get("Authorization") != f"user_token {SECRET}":
                return 401, ["ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid"]
            return 200, recorded("glpi", "init_session")
        token = recorded("glpi", "init_session")["session_token"]
        if headers.get("Session-Token") != token:
            return 401, ["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"]
        if path == "/apirest.php/search/Ticket":
            start, _end = (int(n) for n in params["range"].split("-"))
            status, body = self.listing(start // PAGE + 1)
            return (206 if status == 200 and body["count"] < body["totalcount"] else status), body
        if path == "/apirest.php/getMultipleItems":
            wanted = [int(v) for k, v in params.items() if k.endswith("[items_id]")]
            tickets = {t["id"]: t for t in recorded("glpi", "tickets" if self.mode == "initial" else "tickets_changed")}
            return 200, [tickets[i] for i in wanted]
        if path == "/apirest.php/killSession":
            return 200, True
        return 400, ["ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", "resource not found"]

    def zammad(self, path, params, headers):
        self.prefix = "search"
        if headers.get("Authorization") != f"Token token={SECRET}":
            return 401, {"error": "authentication failed"}
        if path == "/api/v1/tickets/search":
            return self.listing(int(params["page"]))
        return 404, {"error": "No route matches"}


@pytest.fixture
def desk_for():
    servers = []

    def start(tool):
        desk = Desk(tool)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                status, body = desk.answer(parts.path, params, dict(self.headers))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.timeout = 5
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        desk.url = f"http://127.0.0.1:{server.server_address[1]}"
        return desk

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.SERVPLAN_CONNECTOR_PAGE_SIZE = PAGE
    settings.SERVPLAN_CONNECTOR_TIMEOUT = 5


def make_connector(contract, user, kind, url):
    secrets = {"secret": SECRET}
    if kind in (ConnectorKind.SERVICENOW, ConnectorKind.JIRA):
        secrets["login"] = LOGIN
    if kind == ConnectorKind.GLPI:
        secrets["app_token"] = APP_TOKEN
    return Connector.objects.create(contract=contract, name=f"{kind} desk", kind=kind, base_url=url,
                                    credentials=credentials.encrypt(secrets), run_as=user)


# What each tool's recorded answers hold, read independently of the connector code.
def _glpi_time(text, zone):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)


TOOLS = {
    "servicenow": {
        "items": lambda page: page["result"],
        "id": lambda item: item["number"],
        "updated": lambda item, zone: datetime.strptime(item["sys_updated_on"], "%Y-%m-%d %H:%M:%S")
        .replace(tzinfo=UTC),
        "window": lambda desk: desk_param(desk, "/api/now/table/incident", "sysparm_query"),
        "expected_window": lambda since, zone: f"sys_updated_on>={since.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
    },
    "jira": {
        "items": lambda page: page["issues"],
        "id": lambda item: item["key"],
        "updated": lambda item, zone: datetime.strptime(item["fields"]["updated"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        "window": lambda desk: desk_param(desk, "/rest/api/2/search", "jql"),
        # JQL times are in the API user's zone (recorded myself: Asia/Shanghai), to the minute
        "expected_window": lambda since, zone: f'updated >= "{since.astimezone(SHANGHAI):%Y/%m/%d %H:%M}"',
    },
    "glpi": {
        "items": lambda page: page["data"],
        "id": lambda item: str(item["2"]),
        "updated": lambda item, zone: _glpi_time(item["19"], zone),
        "window": lambda desk: desk_param(desk, "/apirest.php/search/Ticket", "criteria[0][value]"),
        "expected_window": lambda since, zone: since.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
    },
    "zammad": {
        "items": lambda page: page,
        "id": lambda item: str(item["number"]),
        "updated": lambda item, zone: datetime.fromisoformat(item["updated_at"].replace("Z", "+00:00")),
        "window": lambda desk: desk_param(desk, "/api/v1/tickets/search", "query"),
        "expected_window": lambda since, zone: f'updated_at:["{since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" TO *]',
    },
}
PREFIX = {"servicenow": "incident", "jira": "search", "glpi": "search", "zammad": "search"}


def desk_param(desk, path, name):
    return [params.get(name) for p, params, _h in desk.requests if p == path]


def recorded_items(tool, mode):
    tool_info, names = TOOLS[tool], []
    items = []
    for number in (1, 2):
        name = f"{PREFIX[tool]}_page{number}" if mode == "initial" else f"{PREFIX[tool]}_changed_page{number}"
        items += tool_info["items"](recorded(tool, name))
    names = [tool_info["id"](item) for item in items]
    return items, names


def newest(tool, mode, zone):
    items, _names = recorded_items(tool, mode)
    return max(TOOLS[tool]["updated"](item, zone) for item in items)


def synced_ids(connector):
    return set(Ticket.objects.filter(contract=connector.contract).exclude(external_system="import")
               .values_list("external_id", flat=True))


KINDS = [ConnectorKind.SERVICENOW, ConnectorKind.JIRA, ConnectorKind.GLPI, ConnectorKind.ZAMMAD]


@pytest.mark.parametrize("kind", KINDS)
def test_initial_then_incremental_sync_reads_only_what_changed(contracts, demo, desk_for, kind):
    desk = desk_for(kind)
    contract = contracts["hzbank"]
    connector = make_connector(contract, demo["svc_manager"], kind, desk.url)
    zone = sla.contract_zone(contract)
    before = synced_ids(connector)

    job = run(connector)
    connector.refresh_from_db()
    _items, initial = recorded_items(kind, "initial")
    assert job.status == ImportStatus.DONE, job.message
    assert (job.source, job.connector_id, job.total_rows, job.created_count) == (ImportSource.SYNC, connector.pk,
                                                                                 len(initial), len(initial))
    assert synced_ids(connector) - before == set(initial)
    assert connector.state == ConnectorState.OK and connector.failures == 0 and connector.last_error == ""
    assert connector.cursor == newest(kind, "initial", zone)
    # The VPN ticket was first answered at 07:50 UTC in every tool's records (ServiceNow: its state history in
    # sys_audit; Jira: the "Time to first response" SLA cycle; GLPI: takeintoaccountdate in GLPI's zone; Zammad:
    # first_response_at); ServiceNow and Jira give its wait for the customer (08:30-10:00 UTC) by status history.
    vpn = Ticket.objects.get(contract=contract, summary="VPN login fails for remote staff",
                             external_id__in=initial)
    assert vpn.first_response == datetime(2026, 11, 3, 7, 50, tzinfo=UTC)
    if kind in (ConnectorKind.SERVICENOW, ConnectorKind.JIRA):
        assert [(p.start, p.end) for p in vpn.pauses.all()] == [
            (datetime(2026, 11, 3, 8, 30, tzinfo=UTC), datetime(2026, 11, 3, 10, 0, tzinfo=UTC))]

    desk.mode, desk.requests = "changed", []
    job = run(connector, now=connector.next_run_at)
    connector.refresh_from_db()
    since = newest(kind, "initial", zone) - timedelta(minutes=10)
    windows = TOOLS[kind]["window"](desk)
    assert windows and all(TOOLS[kind]["expected_window"](since, zone) in w for w in windows), windows
    _items, changed = recorded_items(kind, "changed")
    new = set(changed) - set(initial)
    # the overlap re-reads the newest ticket of the first sync: found unchanged, written once
    assert (job.total_rows, job.created_count, job.updated_count, job.unchanged_count) == (
        len(changed), len(new), 1, 1)
    assert synced_ids(connector) - before == set(initial) | new
    assert ImportJob.objects.filter(connector=connector, source=ImportSource.SYNC).count() == 2
    assert connector.cursor == newest(kind, "changed", zone)


@pytest.mark.parametrize("kind", KINDS)
def test_an_api_error_mid_way_writes_nothing_and_the_retry_writes_everything_once(contracts, demo, desk_for,
                                                                                 settings, kind):
    desk = desk_for(kind)
    desk.fail_page = 2
    connector = make_connector(contracts["szmetro"], demo["svc_manager"], kind, desk.url)
    before, jobs = synced_ids(connector), ImportJob.objects.count()
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    assert run(connector, now=now) is None
    connector.refresh_from_db()
    assert synced_ids(connector) == before and ImportJob.objects.count() == jobs  # nothing half-written
    assert connector.state == ConnectorState.RETRYING and connector.failures == 1
    assert connector.next_run_at == now + timedelta(minutes=settings.SERVPLAN_CONNECTOR_BACKOFF_MINUTES)
    assert "500" in connector.last_error and "page 2" in connector.last_error, connector.last_error
    assert connector.cursor is None

    run(connector, now=connector.next_run_at)  # still failing: the wait doubles
    connector.refresh_from_db()
    assert connector.failures == 2 and connector.next_run_at == now + timedelta(minutes=5) + backoff(2)
    assert backoff(2) == timedelta(minutes=2 * settings.SERVPLAN_CONNECTOR_BACKOFF_MINUTES)
    assert backoff(99) == timedelta(minutes=settings.SERVPLAN_CONNECTOR_BACKOFF_MAX_MINUTES)
    failures = AuditEntry.objects.filter(object_id=str(connector.pk), content_type__model="connector").order_by("seq")
    assert failures.count() == 2 and all("500" in entry.comment for entry in failures)

    desk.fail_page = None
    job = run(connector, now=connector.next_run_at)
    connector.refresh_from_db()
    _items, initial = recorded_items(kind, "initial")
    assert job.status == ImportStatus.DONE and job.created_count == len(initial)
    assert synced_ids(connector) - before == set(initial)
    assert connector.state == ConnectorState.OK and connector.failures == 0 and not connector.last_error


def test_failures_in_a_row_stop_the_connector(contracts, demo, desk_for, settings):
    settings.SERVPLAN_CONNECTOR_MAX_FAILURES = 2
    desk = desk_for("zammad")
    desk.fail_page = 1
    connector = make_connector(contracts["hzbank"], demo["svc_manager"], ConnectorKind.ZAMMAD, desk.url)
    run(connector)
    run(connector)
    connector.refresh_from_db()
    assert connector.state == ConnectorState.FAILED and connector.next_run_at is None
    assert enqueue_due(timezone_now()) == 0  # a stopped connector is not tried again until someone acts


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def test_a_wrong_secret_is_a_readable_error_without_the_secret(contracts, demo, desk_for, caplog):
    desk = desk_for("glpi")
    connector = make_connector(contracts["hzbank"], demo["svc_manager"], ConnectorKind.GLPI, desk.url)
    Connector.objects.filter(pk=connector.pk).update(credentials=credentials.encrypt(
        {"secret": "wrong-" + SECRET, "app_token": APP_TOKEN}))
    with caplog.at_level(logging.DEBUG):
        run(connector)
    connector.refresh_from_db()
    assert "401" in connector.last_error and "initSession" in connector.last_error
    assert SECRET not in connector.last_error and SECRET not in caplog.text and APP_TOKEN not in caplog.text


@pytest.mark.parametrize("kind", KINDS)
def test_credentials_never_appear_in_logs_pages_api_or_audit(contracts, demo, desk_for, client_for, caplog, kind):
    desk = desk_for(kind)
    contract = contracts["hzbank"]
    connector = make_connector(contract, demo["svc_manager"], kind, desk.url)
    basic = base64.b64encode(f"{LOGIN}:{SECRET}".encode()).decode()
    with caplog.at_level(logging.DEBUG):
        desk.fail_page = 2
        run(connector)
        desk.fail_page = None
        run(connector)
    texts = [caplog.text]
    manager = client_for("svc_manager")
    for url in (connector.get_absolute_url(), f"/servicedata/connector/{connector.pk}/edit/", "/servicedata/connector/",
                contract.get_absolute_url()):
        response = manager.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    assert 'id="credentials-set"' in texts[1] and connector.name in texts[-1]  # the contract page lists it
    api = manager.get(f"/api/servicedata/connectors/{connector.pk}/")
    assert api.status_code == 200 and api.json()["credentials_set"] is True
    texts.append(api.content.decode())
    texts.append(manager.get("/api/schema/").content.decode() if kind == KINDS[0] else "")
    entries = AuditEntry.objects.filter(content_type__model__in=["connector", "importjob"])
    texts += [json.dumps([e.changes, e.snapshot, e.comment], ensure_ascii=False) for e in entries]
    for text in texts:
        for secret in (SECRET, APP_TOKEN, basic, connector.credentials):
            assert secret not in text


def test_credentials_are_written_once_encrypted_and_replaced_whole(contracts, demo, client_for, desk_for):
    desk = desk_for("zammad")
    manager = client_for("svc_manager")
    contract = contracts["hzbank"]
    response = manager.post("/api/servicedata/connectors/", {
        "contract": contract.pk, "name": "Zammad", "kind": "zammad", "base_url": desk.url,
        "run_as": demo["svc_manager"].pk, "secret": SECRET}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credentials_set"] is True and SECRET not in response.content.decode() and "secret" not in body
    connector = Connector.objects.get(pk=body["id"])
    assert SECRET not in connector.credentials and crypto.decrypt(connector.credentials) == {"secret": SECRET}
    trail = AuditEntry.objects.filter(content_type__model="connector", object_id=str(connector.pk)).order_by("seq")
    created = trail.first()
    assert "credentials" not in created.snapshot and connector.credentials not in json.dumps(created.changes)

    # a change without credentials keeps them; new ones replace the old whole
    assert manager.patch(f"/api/servicedata/connectors/{connector.pk}/", {"name": "Zammad desk"},
                         content_type="application/json").status_code == 200
    connector.refresh_from_db()
    assert crypto.decrypt(connector.credentials) == {"secret": SECRET}
    assert manager.patch(f"/api/servicedata/connectors/{connector.pk}/", {"secret": "new-" + SECRET},
                         content_type="application/json").status_code == 200
    connector.refresh_from_db()
    assert crypto.decrypt(connector.credentials) == {"secret": "new-" + SECRET}
    replaced = trail.last()
    assert "credentials" in replaced.changes and SECRET not in json.dumps(replaced.changes)

    # GLPI needs its App-Token too: refused by name
    refused = manager.post("/api/servicedata/connectors/", {
        "contract": contract.pk, "name": "GLPI", "kind": "glpi", "base_url": desk.url,
        "run_as": demo["svc_manager"].pk, "secret": SECRET}, content_type="application/json")
    assert refused.status_code == 400 and "app_token" in refused.json()


def test_the_page_edits_credentials_write_only_and_syncs_now(contracts, demo, client_for, desk_for):
    desk = desk_for("zammad")
    contract = contracts["hzbank"]
    manager = client_for("svc_manager")
    response = manager.post("/servicedata/connector/add/", {
        "contract": contract.pk, "name": "Zammad desk", "kind": "zammad", "base_url": desk.url,
        "run_as": demo["svc_manager"].pk, "interval_minutes": 15, "enabled": "on", "secret": SECRET})
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    connector = Connector.objects.get(name="Zammad desk")
    assert crypto.decrypt(connector.credentials) == {"secret": SECRET}
    page = manager.get(connector.get_absolute_url()).content.decode()
    assert "credentials-set" in page and SECRET not in page
    edit = manager.get(f"/servicedata/connector/{connector.pk}/edit/").content.decode()
    assert SECRET not in edit

    staff = client_for("svc_staff")  # whoever imports may sync now
    synced = staff.post(f"/servicedata/connector/{connector.pk}/sync/")
    assert synced.status_code in (200, 302)
    job = ImportJob.objects.get(connector=connector)
    assert job.source == ImportSource.SYNC and job.status == ImportStatus.DONE
    page = manager.get(connector.get_absolute_url()).content.decode()
    assert job.get_absolute_url() in page  # the runs are listed on the connector's page

    assert client_for("sales").post(f"/servicedata/connector/{connector.pk}/sync/").status_code == 403


def test_the_api_sync_action(contracts, demo, client_for, desk_for):
    desk = desk_for("zammad")
    connector = make_connector(contracts["hzbank"], demo["svc_manager"], ConnectorKind.ZAMMAD, desk.url)
    response = client_for("svc_manager").post(f"/api/servicedata/connectors/{connector.pk}/sync/")
    assert response.status_code == 202, response.content
    assert ImportJob.objects.filter(connector=connector, status=ImportStatus.DONE).count() == 1
    assert client_for("sales").post(f"/api/servicedata/connectors/{connector.pk}/sync/").status_code == 403


def test_a_failing_connector_is_highlighted_on_the_contract_page(contracts, demo, client_for, desk_for):
    desk = desk_for("zammad")
    desk.fail_page = 1
    contract = contracts["hzbank"]
    connector = make_connector(contract, demo["svc_manager"], ConnectorKind.ZAMMAD, desk.url)
    run(connector)
    page = client_for("svc_manager").get(contract.get_absolute_url()).content.decode()
    assert "connector-failing" in page and connector.name in page


def test_the_tick_runs_a_due_connector_once(contracts, demo, desk_for):
    desk = desk_for("zammad")
    now = timezone_now()
    due = make_connector(contracts["hzbank"], demo["svc_manager"], ConnectorKind.ZAMMAD, desk.url)
    later = make_connector(contracts["szmetro"], demo["svc_manager"], ConnectorKind.ZAMMAD, desk.url)
    Connector.objects.filter(pk=due.pk).update(next_run_at=now - timedelta(minutes=1))
    Connector.objects.filter(pk=later.pk).update(next_run_at=now + timedelta(hours=1))

    assert enqueue_due(now) == 1
    assert enqueue_due(now) == 0  # claimed and moved on: a second tick at the same moment enqueues nothing
    assert ImportJob.objects.filter(connector=due).count() == 1
    assert not ImportJob.objects.filter(connector=later).exists()
    first_pages = [params for path, params, _h in desk.requests if params.get("page") == "1"]
    assert len(first_pages) == 1


def test_the_scheduler_registry_holds_the_connector_tick(settings):
    from core import schedule
    from servicedata.connectors.tasks import connector_tick_task

    jobs = dict((task.name, cron) for task, cron in schedule.jobs())
    assert jobs[connector_tick_task.name] == settings.SERVPLAN_CONNECTOR_CRON
    settings.SERVPLAN_CONNECTOR_CRON = "*/7 * * * *"
    assert dict((task.name, cron) for task, cron in schedule.jobs())[connector_tick_task.name] == "*/7 * * * *"


def test_the_window_overlaps_the_cursor(settings):
    cursor = datetime(2026, 11, 5, 4, 0, 5, tzinfo=UTC)
    assert base.window_start(cursor) == cursor - timedelta(minutes=settings.SERVPLAN_CONNECTOR_OVERLAP_MINUTES)
    assert base.window_start(None) is None
    error = base.ConnectorError("Internal Server Error", status=500, page=2,
                                url=f"https://{LOGIN}:{SECRET}@desk.example/api/now/table/incident?x={SECRET}")
    assert str(error) == "HTTP 500 on page 2 of desk.example/api/now/table/incident: Internal Server Error"
