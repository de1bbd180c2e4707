"""The evidence pack (issue 17, point 2): for a seeded scope (the demo's running 温州水务 contract and a period that
holds its issued monthly report) the pack holds every expected record, listed here independently of the builder
(each model queried directly, by the scope paths its record type declares); the manifest's hashes verify against
the zip's files; building twice gives the same content hash (and the same bytes); the recomputation inside the
pack equals the issued report's figures."""

import csv
import io
import json
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from assurance import clausemap
from assurance.choices import PackState
from assurance.models import EvidencePack
from assurance.packs import archive, services
from assurance.packs import tickets as tickets_module
from contracts.demo import CHAIN_TITLE
from core.choices import AuditAction
from core.models import AuditEntry
from core.registry import registry
from core.tests.test_exports import run_tool
from projects.models import Project
from reporting.models import ActionItem, MonthlyServiceReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def seeded(demo):
    """The contract's issued monthly report, and a period from its month's first day to today (the demo wrote the
    report today)."""
    report = MonthlyServiceReport.objects.filter(contract__title=CHAIN_TITLE, issued_at__isnull=False) \
        .select_related("contract").order_by("-year", "-month", "-version").first()
    assert report is not None and report.status == "issued"
    return {"report": report, "contract": report.contract, "start": date(report.year, report.month, 1),
            "end": timezone.localdate(), "user": demo["auditor"]}


def _value(obj, path):
    for part in [p for p in path.split("__") if p]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def expected_versions(contract, start, end):
    """{(record type, number, version): issued?} of every record version that belongs in the pack, from the models
    themselves: a record of one of the contract's projects, or of no project and the contract; the monthly
    meeting's company-wide records; written by the period's end and in force at its start (latest, or changed
    since)."""
    from datetime import datetime, time, timedelta

    projects = set(Project.objects.filter(contract=contract).values_list("pk", flat=True))
    start_at = timezone.make_aware(datetime.combine(start, time.min))
    end_at = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    found = {}
    for record_type in registry:
        if not record_type.implemented:
            continue
        model, paths = record_type.model, record_type.scope
        for record in model._base_manager.filter(created__lt=end_at):
            latest = not model._base_manager.filter(predecessor=record).exists()
            if not (latest or record.updated >= start_at):
                continue
            project = _value(record, paths["project"]) if "project" in paths else None
            contract_of = (record if paths.get("contract") == "" else _value(record, paths["contract"])) \
                if "contract" in paths else None
            if project is not None:
                belongs = project.pk in projects
            elif contract_of is not None:
                belongs = contract_of.pk == contract.pk
            else:
                belongs = record_type.code in ("meeting_minutes", "internal_report")
            if belongs:
                frozen = set(record_type.workflow.frozen_states) | {"superseded"}
                found[(record_type.code, record.number, record.version)] = record.status in frozen
    return found


def zip_of(pack):
    with pack.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def pack(seeded):
    return services.request_pack(seeded["user"], "2026 surveillance audit", seeded["start"], seeded["end"],
                                 contracts=[seeded["contract"]])


def test_pack_holds_every_expected_record_and_its_manifest_verifies(seeded, pack, tmp_path):
    pack.refresh_from_db()
    assert pack.state == PackState.READY, pack.message
    files = archive.read_zip(zip_of(pack))
    assert archive.verify(files) == []
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        assert archive.sha256(files[entry["path"]]) == entry["sha256"] and len(files[entry["path"]]) == entry["size"]
    assert set(files) == {entry["path"] for entry in manifest["files"]} | {"manifest.json"}
    assert pack.content_hash == manifest["content_hash"] and pack.files == len(files)

    expected = expected_versions(seeded["contract"], seeded["start"], seeded["end"])
    assert ("monthly_report", seeded["report"].number, seeded["report"].version) in expected
    assert any(code == "meeting_minutes" for code, _n, _v in expected)
    folders = {tuple(path.split("/")[1:4]) for path in files if path.startswith("records/")}
    assert folders == {(code, number, f"V{version}") for code, number, version in expected}
    for (code, number, version), issued in expected.items():
        folder = f"records/{code}/{number}/V{version}"
        assert f"{folder}/trail.csv" in files and f"{folder}/versions.csv" in files
        pdf = f"{folder}/{number}-V{version}.pdf"
        assert (pdf in files) == issued, pdf
        if issued:
            assert files[pdf].startswith(b"%PDF")

    # The approval trail names people, not ids: the report's approver is in its trail.
    report = seeded["report"]
    trail = files[f"records/monthly_report/{report.number}/V{report.version}/trail.csv"].decode("utf-8-sig")
    assert str(seeded["user"].__class__.objects.get(username="svc_manager")) in trail

    # Lists: every change request of the contract's projects, every action of the minutes in the pack.
    changes = files["lists/changes.csv"].decode("utf-8-sig")
    for code, number, _version in expected:
        if code == "change_request":
            assert number in changes
    minutes = [n for code, n, _v in expected if code == "meeting_minutes"]
    actions = list(csv.reader(io.StringIO(files["lists/actions.csv"].decode("utf-8-sig"))))[1:]
    assert len(actions) == ActionItem.objects.filter(minutes__number__in=minutes).count()

    # The audit trail's verification, with the period's first and last entries by their hashes.
    check = json.loads(files["audit/verification.json"])
    assert check["chain_intact"] is True
    in_period = AuditEntry.objects.filter(at__gte=timezone.make_aware(
        timezone.datetime.combine(seeded["start"], timezone.datetime.min.time()))).exclude(
        content_type__model="evidencepack").order_by("seq")
    assert check["first_entry"]["hash"] == in_period.first().hash
    assert check["entries_in_period"] == in_period.count()
    assert files["index.pdf"][:4] == b"%PDF"
    # The index names its scope in the header block and has no empty record rows (number, version, status).
    index_text = run_tool("pdftotext", files["index.pdf"], tmp_path)
    assert seeded["contract"].number in index_text and seeded["report"].number in index_text
    assert "文件编号" not in index_text and "Doc. No." not in index_text
    index = files["index.html"].decode()
    assert report.number in index and "tickets.csv" in index
    # Creation was audited.
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, content_type__model="evidencepack",
                                     object_id=str(pack.pk)).exists()


def test_building_twice_gives_the_same_content_hash(seeded, pack):
    pack.refresh_from_db()
    first = zip_of(pack)
    again = services.request_pack(seeded["user"], "the same scope again", seeded["start"], seeded["end"],
                                  contracts=[seeded["contract"]])
    again.refresh_from_db()
    assert again.state == PackState.READY
    assert again.content_hash == pack.content_hash
    assert zip_of(again) == first
    rebuilt = services.rebuild(pack, seeded["user"])
    rebuilt.refresh_from_db()
    assert rebuilt.content_hash == pack.content_hash


def test_recomputation_equals_the_issued_figures(seeded, pack):
    pack.refresh_from_db()
    report = seeded["report"]
    files = archive.read_zip(zip_of(pack))
    folder = f"monthly-reports/{report.number}-V{report.version}"
    lines = json.loads(files[f"{folder}/recomputation.json"])
    assert lines and all(line["equal"] for line in lines), [line for line in lines if not line["equal"]]
    compared = {(line["metric"], line["figure"]): line for line in lines}
    for row in report.snapshot["table"]:
        for figure in ("within", "counted", "actual", "met", "outages", "agreed_seconds", "downtime_seconds"):
            if figure in row:
                line = compared[(row["key"], figure)]
                assert line["issued"] == row[figure] == line["recomputed"]
    # The extract is the month's tickets as stored: its created-in-month rows are the report's volume.
    tickets = list(csv.DictReader(io.StringIO(files[f"{folder}/tickets.csv"].decode("utf-8-sig"))))
    volume = next(row["actual"] for row in report.snapshot["table"] if row["key"] == "volume")
    start, end = report.snapshot["period"]["start"], report.snapshot["period"]["end"]
    from datetime import datetime

    assert volume == sum(datetime.fromisoformat(start) <= datetime.fromisoformat(t["created"])
                         < datetime.fromisoformat(end) for t in tickets) > 0
    # The comparison a person reads (in the company's language, as the whole pack): every line says equal.
    with translation.override(settings.LANGUAGE_CODE):
        equal, metric = translation.gettext("equal"), tickets_module.metric_label("response_all")
    readable = list(csv.reader(io.StringIO(files[f"{folder}/recomputation.csv"].decode("utf-8-sig"))))[1:]
    assert readable and all(row[-1] == equal for row in readable)
    assert metric in {row[0] for row in readable}


def test_index_lists_by_clause_when_the_map_has_clauses(seeded, monkeypatch):
    clause = clausemap.Clause("9.4", "Service reporting", "服务报告", sp=("SP-4.5.1",),
                              record_types=("monthly_report",), checks=("RPT-1",),
                              editions={"ISO/IEC 20000-1:2005": "6.2"})
    monkeypatch.setattr(clausemap, "load", lambda: clausemap.ClauseMap((clause,), (("test.toml", "1"),)))
    from assurance.packs.build import Builder
    from assurance.scope import AuditScope

    builder = Builder(AuditScope.of([seeded["contract"]], (), seeded["start"], seeded["end"]), seeded["user"])
    builder.items = [{"type": "monthly_report", "type_label": "Monthly service report", "number": "SP-MSR-X",
                      "version": 1, "title": "x", "status": "Issued", "issued": True, "folder": "records/x",
                      "pdf": "records/x/x.pdf"}]
    builder.verification = {"chain_intact": True, "problems": [], "entries_in_period": 0, "first_entry": None,
                            "last_entry": None}
    context = builder.index_context()
    assert [row["clause"].id for row in context["by_clause"]] == ["9.4"]
    assert context["by_clause"][0]["items"] == builder.items
    assert [row["step"] for row in context["by_step"]] == [clausemap.step_label("SP-4.5.1")]
    assert not context["by_step"][0]["step"].startswith("SP-")


def test_pages_request_build_and_download_a_pack(seeded, client_for):
    client = client_for("auditor")
    assert client.get(reverse("assurance:pack_list")).status_code == 200
    assert client.get(reverse("assurance:pack_add")).status_code == 200
    response = client.post(reverse("assurance:pack_add"), {
        "title": "Audit 2026", "period_start": seeded["start"].isoformat(), "period_end": seeded["end"].isoformat(),
        "contracts": [seeded["contract"].pk]})
    pack = EvidencePack.objects.get(title="Audit 2026")
    assert response.status_code == 302 and response["Location"].endswith(pack.get_absolute_url())
    page = client.get(pack.get_absolute_url())
    assert pack.content_hash and pack.content_hash in page.content.decode()
    download = client.get(reverse("assurance:pack_download", args=[pack.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, content_type__model="evidencepack",
                                     object_id=str(pack.pk)).exists()
    # A role that may not build packs is refused; a contract the requester may not see is refused.
    assert client_for("pm").get(reverse("assurance:pack_add")).status_code == 403


def test_api_creates_a_pack_as_a_background_job(seeded, client_for):
    client = client_for("mr")
    response = client.post("/api/assurance/evidence-packs/", {
        "title": "API pack", "period_start": seeded["start"].isoformat(), "period_end": seeded["end"].isoformat(),
        "contracts": [seeded["contract"].pk]}, content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["job"] and body["id"]
    detail = client.get(f"/api/assurance/evidence-packs/{body['id']}/").json()
    assert detail["state"] == "ready" and len(detail["content_hash"]) == 64
    download = client.get(f"/api/assurance/evidence-packs/{body['id']}/download/")
    assert download.status_code == 200
    refused = client.post("/api/assurance/evidence-packs/", {
        "title": "x", "period_start": "2026-11-01", "period_end": "2026-10-01", "contracts": [seeded["contract"].pk]},
        content_type="application/json")
    assert refused.status_code == 400
