"""Import profiles and data quality in pages and API: a draft from a built-in, the checks that name the row, the
preview that writes nothing, the import with a profile, the quality report page and its audited downloads."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from core import workflow
from core.choices import AuditAction, RecordStatus
from core.context import acting_as
from core.models import AuditEntry
from servicedata.choices import Anomaly, ImportStatus, RuleAction
from servicedata.intake import preview as previews
from servicedata.intake.profiles import problems, profile_from_spec, usable
from servicedata.intake.spec import ProfileSpec
from servicedata.models import ImportJob, ImportProfile, QualityFinding, Ticket

from .helpers import csv_bytes, upload
from .test_import import GOOD

SPEC = ProfileSpec.from_dict({
    "key": "test-desk", "name": "Test desk export", "tool": "other", "external_system": "desk",
    "date_formats": ["%d/%m/%Y %H:%M"],
    "columns": {"external_id": ["Ticket"], "priority": ["Urgency"], "created": ["Opened"],
                "resolved": ["Solved", "Resolved at"], "closed": ["Closed"]},
    "defaults": {"priority": "P4"},
    "values": {"priority": {"Critical": "P1", "High": "P2", "Planning": "exclude"}},
    "pause_statuses": ["On Hold"],
    "rules": {"close_before_resolve": "repair", "unknown_value": "repair"},
})


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


def approved_profile(contract, demo, spec=SPEC):
    staff, manager = demo["svc_staff"], demo["svc_manager"]
    with acting_as(staff):
        profile = profile_from_spec(spec, contract, staff)
        workflow.fire(profile, "submit", staff)
    with acting_as(manager):
        workflow.fire(profile, "approve", manager)
    profile.refresh_from_db()
    assert profile.status == RecordStatus.APPROVED
    return profile


# ---- a draft from a built-in ------------------------------------------------------------------------

def test_profile_from_spec_writes_the_rows_audited(contract, demo):
    staff = demo["svc_staff"]
    with acting_as(staff):
        profile = profile_from_spec(SPEC, contract, staff)
    assert profile.status == RecordStatus.DRAFT and profile.number.startswith("SP-IPF")
    assert (profile.based_on, profile.contract, profile.customer) == ("test-desk", contract, contract.customer)
    assert profile.date_formats == ["%d/%m/%Y %H:%M"] and profile.pause_statuses == ["On Hold"]
    columns = {row.field: (row.column, row.default) for row in profile.columns.all()}
    assert columns["resolved"] == ("Solved | Resolved at", "")
    assert columns["priority"] == ("Urgency", "P4")
    assert {(v.field, v.value, v.code) for v in profile.values.all()} == {
        ("priority", "Critical", "P1"), ("priority", "High", "P2"), ("priority", "Planning", "exclude")}
    assert {(r.anomaly, r.action) for r in profile.rules.all()} == {
        ("close_before_resolve", "repair"), ("unknown_value", "repair")}
    # Read back as the reader uses it, the profile is the built-in's data.
    spec = profile.spec()
    assert spec.columns["resolved"] == ["Solved", "Resolved at"] and spec.values == SPEC.values
    assert spec.rules == SPEC.rules and spec.defaults == SPEC.defaults
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, user=staff)
    assert created.filter(object_id=str(profile.pk), content_type__model="importprofile").exists()
    assert created.filter(content_type__model="profilecolumn").count() >= len(SPEC.columns)


def test_new_profile_from_a_built_in_page(contract, demo, client_for, monkeypatch):
    from servicedata.intake import builtin

    monkeypatch.setattr(builtin, "get", lambda key: SPEC if key == "test-desk" else {}[key])
    client = client_for("svc_staff")
    response = client.post(reverse("servicedata:importprofile_from_builtin"),
                           {"builtin": "test-desk", "contract": contract.pk})
    profile = ImportProfile.objects.get(based_on="test-desk")
    assert response.status_code == 302 and response["Location"] == reverse("servicedata:importprofile_edit",
                                                                            args=[profile.pk])
    assert profile.contract == contract and profile.author == demo["svc_staff"]
    refused = client.post(reverse("servicedata:importprofile_from_builtin"), {"builtin": "no-such-tool"})
    assert refused.status_code == 302 and ImportProfile.objects.filter(based_on="test-desk").count() == 1
    assert client_for("auditor").post(reverse("servicedata:importprofile_from_builtin"),
                                      {"builtin": "test-desk"}).status_code == 403


# ---- what a profile must hold -----------------------------------------------------------------------

def test_problems_name_the_missing_fields_and_the_rule_rows():
    found = problems([{"field": "summary", "column": "Title", "default": ""}],
                     [{"anomaly": Anomaly.DUPLICATE_ID, "action": RuleAction.REPAIR},
                      {"anomaly": Anomaly.RESOLVE_BEFORE_CREATION, "action": RuleAction.REPAIR}])
    messages = [message for _name, _index, message in found]
    assert any("External id" in m for m in messages) and any("Created" in m for m in messages)
    assert any("Priority" in m for m in messages)
    rule_rows = [(index, message) for name, index, message in found if name == "rules"]
    assert rule_rows == [(2, rule_rows[0][1])] and rule_rows[0][1].startswith("Row 2:")
    ok = problems([{"field": "external_id", "column": "id"}, {"field": "created", "column": "opened"},
                   {"field": "priority", "column": "", "default": "P3"}], [])
    assert ok == []


def edit_data(profile, **changes):
    """The edit page's POST for a profile: its fields and its rows as the page shows them."""
    data = {"title": profile.title, "contract": profile.contract_id or "", "tool": profile.tool,
            "owner_department": profile.owner_department_id, "confidentiality": profile.confidentiality,
            "format": profile.format, "encoding": profile.encoding, "records_path": "", "external_system": "",
            "time_zone": "", "date_formats": "\n".join(profile.date_formats), "first_response_statuses": "",
            "pause_statuses": "", "change_note": "", "lock_version": profile.lock_version}
    for prefix, rows, fields in (("columns", profile.columns.all(), ("field", "column", "default")),
                                 ("values", profile.values.all(), ("field", "value", "code")),
                                 ("rules", profile.rules.all(), ("anomaly", "action"))):
        rows = list(rows)
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-profile"] = profile.pk
            for name in fields:
                data[f"{prefix}-{index}-{name}"] = getattr(row, name)
    data.update(changes)
    return data


def test_edit_page_refuses_an_impossible_rule_naming_its_row(contract, demo, client_for):
    with acting_as(demo["svc_staff"]):
        profile = profile_from_spec(SPEC, contract, demo["svc_staff"])
    client = client_for("svc_staff")
    url = reverse("servicedata:importprofile_edit", args=[profile.pk])
    assert client.get(url).status_code == 200
    data = edit_data(profile, **{"rules-1-action": RuleAction.KEEP})  # unknown values cannot be kept
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Row 2:" in html and str(RuleAction.KEEP.label) in html
    assert profile.rules.get(anomaly=Anomaly.UNKNOWN_VALUE).action == RuleAction.REPAIR
    # Deleting the creation time's column is refused too; a valid change is saved.
    index = [row.field for row in profile.columns.all()].index("created")
    response = client.post(url, edit_data(profile, **{f"columns-{index}-DELETE": "on"}))
    assert response.status_code == 200 and "Created" in response.content.decode()
    assert profile.columns.filter(field="created").exists()
    response = client.post(url, edit_data(profile, **{"rules-1-action": RuleAction.EXCLUDE}))
    assert response.status_code == 302
    assert profile.rules.get(anomaly=Anomaly.UNKNOWN_VALUE).action == RuleAction.EXCLUDE


def test_api_checks_the_rows_and_writes_them(contract, demo, client_for):
    client = client_for("svc_staff")
    body = {"title": "API profile", "contract": contract.pk, "owner_department": demo["svc_staff"].department_id,
            "columns": [{"field": "external_id", "column": "key"}, {"field": "priority", "column": "prio"}],
            "rules": [{"anomaly": "duplicate_id", "action": "keep"}]}
    refused = client.post("/api/servicedata/import-profiles/", body, content_type="application/json")
    assert refused.status_code == 400
    errors = refused.json()
    assert any("Created" in m for m in errors["columns"]) and errors["rules"][0].startswith("Row 1:")
    body["columns"].append({"field": "created", "column": "opened"})
    body["rules"] = [{"anomaly": "duplicate_id", "action": "exclude"}]
    created = client.post("/api/servicedata/import-profiles/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert [c["field"] for c in data["columns"]] == ["external_id", "priority", "created"]
    assert data["rules"] == [{"anomaly": "duplicate_id", "action": "exclude"}]
    rows = client.get("/api/servicedata/import-profile-rules/", {"profile": data["id"]}).json()
    assert [r["action"] for r in rows["results"]] == ["exclude"]


def test_detail_page_shows_the_rows_and_exports(contract, demo, client_for):
    profile = approved_profile(contract, demo)
    client = client_for("auditor")
    html = client.get(reverse("servicedata:importprofile_detail", args=[profile.pk])).content.decode()
    assert 'id="profile-columns"' in html and "Solved | Resolved at" in html and "Planning" in html
    assert str(Anomaly.CLOSE_BEFORE_RESOLVE.label) in html
    sections = profile.export_sections("en")
    captions = [t.caption for s in sections for t in s.tables]
    assert captions == ["Columns", "Values", "Data-quality rules"]
    assert ["Resolved", "Solved | Resolved at", ""] in sections[1].tables[0].rows
    assert profile in usable(contract, demo["svc_staff"])


# ---- the preview -----------------------------------------------------------------------------------

def test_preview_reads_the_first_rows_and_writes_nothing(contract, demo, client_for):
    client = client_for("svc_staff")
    data = csv_bytes(GOOD + [{"external_id": "BAD", "priority": "P9", "created": "2026-03-02 09:00"}])
    before = (Ticket.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse("servicedata:contract_import", args=[contract.pk]),
                           {"file": upload("march.csv", data), "external_system": "itsm", "preview": "1"})
    assert response.status_code == 302 and "/import/preview/" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="preview-row') == len(GOOD) + 1
    assert 'data-row="2"' in html and "preview-error" in html and "P9" in html
    assert (Ticket.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count()) == before
    # Read with a built-in instead: its rows as it reads them, and the offer to draft the contract's own profile.
    with_builtin = client.get(response["Location"], {"profile": "builtin:servicenow-table"}).content.decode()
    assert 'id="adjust-builtin"' in with_builtin and 'value="servicenow-table"' in with_builtin
    assert (Ticket.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count()) == before
    # The kept file is the session's: another user (or a made-up token) finds nothing.
    assert client_for("svc_manager").get(response["Location"]).status_code == 404
    bogus = reverse("servicedata:contract_import_preview", args=[contract.pk, "0" * 32])
    assert client.get(bogus).status_code == 404


def test_preview_service_shows_local_times_and_errors_per_row(contract, demo):
    rows = [{"external_id": "A-1", "priority": "P2", "created": "2026-03-02T01:00:00Z"},
            {"external_id": "A-2", "priority": "P2", "created": "2026-03-02 09:00", "closed": "2026-03-02 08:00",
             "resolved": "2026-03-02 10:00"}]
    from django.utils import timezone

    with timezone.override("Asia/Shanghai"):
        result = previews.preview(contract, io.BytesIO(csv_bytes(rows)), "csv", None)
    assert [row.number for row in result.rows] == [2, 3]
    created = result.columns.index("Created")
    assert result.rows[0].values[created].endswith("09:00") and not result.rows[0].errors
    assert result.rows[1].errors and result.rows[1].errors[0][0] == "Closed"
    assert result.header[:2] == ["external_id", "priority"]


# ---- the import with a profile ---------------------------------------------------------------------

def test_import_with_an_approved_profile_queues_a_job_that_uses_it(contract, demo, client_for, monkeypatch):
    profile = approved_profile(contract, demo)
    client = client_for("svc_staff")
    page = client.get(reverse("servicedata:contract_tickets", args=[contract.pk])).content.decode()
    assert f'value="profile:{profile.pk}"' in page
    submitted = {}
    from servicedata import tasks

    def submit(contract_, user, upload_, **kwargs):  # the worker's reading is the importer's (test_quality)
        submitted.update(kwargs, contract=contract_, user=user, content=upload_.read(), name=upload_.name)
        job = ImportJob.objects.create(contract=contract_, name=upload_.name, format=kwargs["fmt"], sha256="x",
                                       created_by=user, profile=kwargs.get("profile"),
                                       builtin_profile=kwargs.get("builtin_profile", ""),
                                       status=ImportStatus.QUEUED)
        return job

    monkeypatch.setattr(tasks, "submit", submit)
    data = csv_bytes(GOOD)
    response = client.post(reverse("servicedata:contract_import", args=[contract.pk]),
                           {"file": upload("desk.csv", data), "external_system": "",
                            "profile": f"profile:{profile.pk}"})
    preview_url = response["Location"]
    assert "/import/preview/" in preview_url and not submitted
    assert client.get(preview_url).status_code == 200
    confirmed = client.post(preview_url, {"profile": f"profile:{profile.pk}"})
    assert confirmed.status_code == 302
    assert submitted["profile"] == profile and submitted["content"] == data and submitted["name"] == "desk.csv"
    job = ImportJob.objects.get(name="desk.csv")
    assert job.profile == profile and confirmed["Location"].endswith(f"?job={job.pk}")
    assert client.post(preview_url, {"profile": f"profile:{profile.pk}"}).status_code == 404  # used once


def test_a_draft_profile_or_another_contracts_is_refused(contract, contracts, demo, client_for):
    with acting_as(demo["svc_staff"]):
        draft = profile_from_spec(SPEC, contract, demo["svc_staff"])
    other = approved_profile(contracts["hzbank"], demo)
    client = client_for("svc_staff")
    for profile in (draft, other):
        response = client.post(reverse("servicedata:contract_import", args=[contract.pk]),
                               {"file": upload("x.csv", csv_bytes(GOOD)), "profile": f"profile:{profile.pk}"})
        assert response.status_code == 302 and "/import/preview/" not in response["Location"]
    assert not ImportJob.objects.filter(name="x.csv").exists()


# ---- the quality report -----------------------------------------------------------------------------

@pytest.fixture
def job_with_findings(contract, demo):
    profile = approved_profile(contract, demo)
    job = ImportJob.objects.create(
        contract=contract, name="desk.csv", format="csv", sha256="x", created_by=demo["svc_staff"],
        profile=profile, status=ImportStatus.DONE, total_rows=40, excluded_count=25, repaired_count=2,
        quality={"excluded_value": {"exclude": 25}, "close_before_resolve": {"repair": 2}})
    findings = [QualityFinding(job=job, contract=contract, row=n + 2, external_system="desk", external_id=f"INC{n}",
                               anomaly=Anomaly.EXCLUDED_VALUE, action=RuleAction.EXCLUDE, field="priority",
                               original={"priority": "Planning"}) for n in range(25)]
    findings += [QualityFinding(job=job, contract=contract, row=30 + n, external_system="desk",
                                external_id=f"INC-R{n}", anomaly=Anomaly.CLOSE_BEFORE_RESOLVE,
                                action=RuleAction.REPAIR, field="closed",
                                original={"resolved": "03/03/2026 10:00", "closed": "03/03/2026 09:00"})
                 for n in range(2)]
    QualityFinding.objects.bulk_create(findings)
    return job


def test_quality_report_page_pages_and_filters(job_with_findings, client_for):
    job = job_with_findings
    client = client_for("auditor")
    assert f'href="{reverse("servicedata:importjob_quality", args=[job.pk])}"' in \
        client.get(job.get_absolute_url()).content.decode()
    url = reverse("servicedata:importjob_quality", args=[job.pk])
    html = client.get(url).content.decode()
    assert job.profile.number in html and 'id="excluded-count">25<' in html and 'id="repaired-count">2<' in html
    assert str(Anomaly.CLOSE_BEFORE_RESOLVE.label) in html and str(Anomaly.EXCLUDED_VALUE.label) in html
    assert html.count("INC") == 25  # the first page
    repaired = client.get(url, {"anomaly": "close_before_resolve"}).content.decode()
    assert "INC-R0" in repaired and "INC-R1" in repaired and ">INC3<" not in repaired
    assert "03/03/2026 09:00" in repaired
    excluded = client.get(url, {"action": "exclude", "page": 2}).content.decode()
    assert "INC-R" not in excluded.split('id="object-table"')[1]


def test_quality_report_downloads_are_audited_with_labels(job_with_findings, client_for, demo):
    job = job_with_findings
    client = client_for("svc_manager")
    url = reverse("servicedata:importjob_quality", args=[job.pk])
    response = client.get(url, {"export": "csv", "anomaly": "close_before_resolve"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Row", "External system", "External id", "Rule"]
    assert rows[1][2] == "INC-R0" and rows[1][3] == str(Anomaly.CLOSE_BEFORE_RESOLVE.label)
    assert rows[1][6] == str(RuleAction.REPAIR.label) and "Closed: 03/03/2026 09:00" in rows[1][5]
    assert len(rows) == 3
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, user=demo["svc_manager"]).latest("seq")
    assert entry.object_id == str(job.pk) and entry.comment == "csv"
    xlsx = client.get(url, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 28 and sheet.cell(2, 4).value == str(Anomaly.EXCLUDED_VALUE.label)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(job.pk), comment="xlsx").exists()


def test_findings_api_and_reader_scope(job_with_findings, client_for):
    job = job_with_findings
    response = client_for("auditor").get("/api/servicedata/quality-findings/",
                                         {"job": job.pk, "anomaly": "close_before_resolve"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["external_id"] for r in results] == ["INC-R0", "INC-R1"]
    assert results[0]["action_display"] == str(RuleAction.REPAIR.label)
    customer = client_for("customer")
    assert customer.get(reverse("servicedata:importjob_quality", args=[job.pk])).status_code in (403, 404)
    listed = customer.get("/api/servicedata/quality-findings/", {"job": job.pk})
    assert listed.status_code in (403, 404) or listed.json()["count"] == 0
