"""Data-quality rules instead of hand edits: each anomaly rejected (the strict default), excluded or repaired, the
import's quality report listing the row, and the monthly report's summary (servicedata.intake.quality)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core import display
from core import report_sections as rs
from core.choices import AuditAction
from core.context import acting_as
from core.models import AuditEntry
from servicedata import services
from servicedata.choices import Anomaly, ImportSource, ImportStatus, RuleAction
from servicedata.intake.spec import EXCLUDED, ProfileSpec
from servicedata.models import QualityFinding, Ticket
from servicedata.reports import monthly_quality

A, R = Anomaly, RuleAction
ZONE = ZoneInfo("Asia/Shanghai")
CLEAN = {"external_id": "OK-1", "priority": "P2", "created": "2026-03-02 09:00", "first_response": "2026-03-02 09:10",
         "resolved": "2026-03-02 12:00", "closed": "2026-03-03 09:00"}

# One row showing each anomaly; what a repair makes of it (field, value read back from the ticket).
CASES = {
    A.CLOSE_BEFORE_RESOLVE: ({"resolved": "2026-03-02 12:00", "closed": "2026-03-02 11:00"},
                             ("resolved", "2026-03-02 11:00")),
    A.RESOLVE_BEFORE_RESPONSE: ({"first_response": "2026-03-02 13:00", "resolved": "2026-03-02 12:00", "closed": ""},
                                ("first_response", "2026-03-02 12:00")),
    A.RESPONSE_BEFORE_CREATION: ({"first_response": "2026-03-02 08:00"}, ("first_response", "2026-03-02 09:00")),
    A.RESOLVE_BEFORE_CREATION: ({"first_response": "", "resolved": "2026-03-01 12:00", "closed": ""}, None),
    A.UNKNOWN_VALUE: ({"priority": "5 - Planning"}, ("priority", "P4")),
    A.FUTURE_TIME: ({"closed": "2099-01-01 00:00"}, ("closed", None)),
    A.PAUSE_OUTSIDE: ({"pauses": "2026-03-04 09:00/2026-03-04 10:00"}, ("pauses", 0)),
}


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


def run(contract, user, records, rules=None, defaults=None):
    spec = ProfileSpec(columns={}, name="test profile", rules=dict(rules or {}),
                       defaults=dict(defaults or {"priority": "P4"}))
    with acting_as(user):
        return services.import_records(contract, user, lambda: enumerate(records, start=1), source=ImportSource.API,
                                       spec=spec, name="quality test", external_system="itsm")


def anomalous(anomaly, external_id="BAD-1"):
    return {**CLEAN, "external_id": external_id, **CASES[anomaly][0]}


def local(value):
    return None if value is None else value.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("anomaly", list(CASES))
def test_reject_writes_nothing_and_names_the_row(contract, demo, anomaly):
    job = run(contract, demo["svc_staff"], [CLEAN, anomalous(anomaly)], rules={anomaly: R.REJECT})
    assert job.status == ImportStatus.REJECTED
    assert not Ticket.objects.filter(external_system="itsm").exists()
    assert [e["row"] for e in job.errors] == [2]
    assert not job.findings.exists()


@pytest.mark.parametrize("anomaly", list(CASES))
def test_exclude_leaves_the_row_out_and_reports_it(contract, demo, anomaly):
    job = run(contract, demo["svc_staff"], [CLEAN, anomalous(anomaly)], rules={anomaly: R.EXCLUDE})
    assert job.status == ImportStatus.DONE, job.errors
    assert set(Ticket.objects.filter(external_system="itsm").values_list("external_id", flat=True)) == {"OK-1"}
    assert (job.excluded_count, job.repaired_count) == (1, 0)
    assert job.quality == {anomaly: {R.EXCLUDE: 1}}
    finding = job.findings.get()
    assert (finding.row, finding.external_id, finding.anomaly, finding.action) == (2, "BAD-1", anomaly, R.EXCLUDE)
    assert finding.original and all(isinstance(v, str) for v in finding.original.values())
    assert finding.current and local(finding.ticket_created) == "2026-03-02 09:00"


@pytest.mark.parametrize("anomaly", [a for a, (_row, repaired) in CASES.items() if repaired])
def test_repair_writes_the_stated_repair_and_reports_it(contract, demo, anomaly):
    job = run(contract, demo["svc_staff"], [CLEAN, anomalous(anomaly)], rules={anomaly: R.REPAIR})
    assert job.status == ImportStatus.DONE, job.errors
    ticket = Ticket.objects.get(external_system="itsm", external_id="BAD-1")
    name, expected = CASES[anomaly][1]
    if name == "pauses":
        assert ticket.pauses.count() == expected
    elif name == "priority":
        assert ticket.priority == expected
    else:
        assert local(getattr(ticket, name)) == expected
    finding = job.findings.get()
    assert (finding.row, finding.anomaly, finding.action) == (2, anomaly, R.REPAIR)
    assert display.readable(finding.outcome) and not display.readable(finding.outcome).startswith("\x00")
    assert (job.excluded_count, job.repaired_count) == (0, 1)


def test_strict_without_rules_is_all_or_nothing(contract, demo):
    job = run(contract, demo["svc_staff"], [CLEAN, anomalous(A.CLOSE_BEFORE_RESOLVE)], rules={})
    assert job.status == ImportStatus.REJECTED
    assert job.errors[0]["row"] == 2 and job.errors[0]["field"] == "closed"
    assert not Ticket.objects.filter(external_system="itsm").exists()


def test_a_value_the_profile_excludes(contract, demo):
    planning = {**CLEAN, "external_id": "CHG-9", EXCLUDED: ("priority", "5 - Planning")}
    job = run(contract, demo["svc_staff"], [CLEAN, planning])
    assert job.status == ImportStatus.DONE
    finding = job.findings.get()
    assert (finding.anomaly, finding.action, finding.original) == (A.EXCLUDED_VALUE, R.EXCLUDE,
                                                                   {"priority": "5 - Planning"})
    assert not Ticket.objects.filter(external_id="CHG-9").exists()


@pytest.mark.parametrize(("action", "kept_row"), [(R.EXCLUDE, 1), (R.REPAIR, 3)])
def test_duplicate_ids_keep_the_first_or_the_last_row(contract, demo, action, kept_row):
    rows = [{**CLEAN, "external_id": "DUP", "category": "first"}, {**CLEAN, "external_id": "OK-2"},
            {**CLEAN, "external_id": "DUP", "category": "last"}]
    job = run(contract, demo["svc_staff"], rows, rules={A.DUPLICATE_ID: action})
    assert job.status == ImportStatus.DONE, job.errors
    assert Ticket.objects.get(external_id="DUP").category == rows[kept_row - 1]["category"]
    finding = job.findings.get()
    assert (finding.anomaly, finding.action, finding.row) == (A.DUPLICATE_ID, action, 4 - kept_row)


def test_duplicate_ids_without_a_rule_reject(contract, demo):
    job = run(contract, demo["svc_staff"], [{**CLEAN, "external_id": "DUP"}, {**CLEAN, "external_id": "DUP"}])
    assert job.status == ImportStatus.REJECTED and job.errors[0]["row"] == 2


def test_a_corrected_reimport_clears_the_finding_and_the_audit_names_the_counts(contract, demo):
    rules = {A.CLOSE_BEFORE_RESOLVE: R.EXCLUDE}
    first = run(contract, demo["svc_staff"], [CLEAN, anomalous(A.CLOSE_BEFORE_RESOLVE)], rules=rules)
    entry = AuditEntry.objects.filter(action=AuditAction.BULK).order_by("-seq").first()
    assert entry.changes["excluded"] == 1 and entry.changes["quality"] == {A.CLOSE_BEFORE_RESOLVE: {R.EXCLUDE: 1}}
    assert entry.changes["profile"]["name"] == "test profile"
    second = run(contract, demo["svc_staff"], [CLEAN, {**CLEAN, "external_id": "BAD-1"}], rules=rules)
    assert second.status == ImportStatus.DONE and not second.findings.exists()
    assert not QualityFinding.objects.get(job=first).current


def test_the_monthly_report_summarises_the_months_findings(contract, demo):
    rows = [CLEAN, {**CLEAN, "external_id": "OK-2"}, anomalous(A.CLOSE_BEFORE_RESOLVE),
            anomalous(A.RESPONSE_BEFORE_CREATION, "BAD-2")]
    run(contract, demo["svc_staff"], rows,
        rules={A.CLOSE_BEFORE_RESOLVE: R.EXCLUDE, A.RESPONSE_BEFORE_CREATION: R.REPAIR})
    scope = rs.Scope((contract,), datetime(2026, 3, 1, tzinfo=ZONE), datetime(2026, 4, 1, tzinfo=ZONE))
    section = monthly_quality(scope)
    assert section.key == "data_quality"
    assert section.note.startswith("1 of 4 tickets excluded: closed before resolved.")
    assert sorted(section.rows) == sorted([["Closed before resolved", "Exclude the row", 1],
                                           ["First response before creation", "Repair the row", 1]])
    assert "data_quality" in [s["key"] for s in rs.sections(rs.MONTHLY, scope)]
    april = rs.Scope((contract,), datetime(2026, 4, 1, tzinfo=ZONE), datetime(2026, 5, 1, tzinfo=ZONE))
    assert monthly_quality(april) is None


def test_a_push_of_the_service_desks_own_objects_is_read_with_a_built_in_profile(contract, demo, client):
    """The API push names a built-in profile: ServiceNow's Table API objects go in as they are, its rules apply, and
    the push is an import job with its quality report."""
    import json
    from pathlib import Path

    objects = json.loads((Path(__file__).parent / "samples" / "servicenow-rest.json").read_text())["result"]
    client.force_login(demo["svc_staff"])
    response = client.post("/api/servicedata/tickets/", {"contract": contract.pk, "builtin_profile": "servicenow-rest",
                                                         "tickets": objects}, content_type="application/json")
    assert response.status_code == 200, response.content
    answer = response.json()
    job = QualityFinding.objects.filter(job_id=answer["job"]).first().job
    assert (job.source, job.builtin_profile, job.external_system) == (ImportSource.API, "servicenow-rest", "servicenow")
    assert answer["created"] == Ticket.objects.filter(external_system="servicenow").count() > 0
    assert answer["excluded"] + answer["repaired"] == job.findings.values("row").distinct().count() > 0
    refused = client.post("/api/servicedata/tickets/", {"contract": contract.pk, "builtin_profile": "nonesuch",
                                                        "tickets": objects}, content_type="application/json")
    assert refused.status_code == 400 and "builtin_profile" in refused.json()
