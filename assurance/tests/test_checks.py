"""The compliance check runs and what they keep: findings upserted across runs, accepted with a justification (audited),
turned into improvements (linked back), the pages, the API, the schedule and the work queue."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape
from django.utils.translation import gettext_noop

from core import compliance, schedule, worklist
from core.choices import AuditAction, JobState
from core.display import message, readable
from core.models import AuditEntry, BackgroundJob
from documents.models import ProcedureDocument

from .. import checks
from ..choices import FindingStatus, RunState, RunTrigger
from ..models import ComplianceRun, Finding

TEST_RULE = "TST-1"


@pytest.fixture
def breaches(monkeypatch, demo):
    """A rule of the test's own: it finds the procedure documents put into the returned list."""
    found = []

    def find(scope):
        for document in found:
            yield compliance.Violation(document, message(gettext_noop("Planted on %(number)s."),
                                                         number=document.number), occurred=document.created)

    rule = compliance.Rule(TEST_RULE, "7.5.3", compliance.Severity.MINOR, "Test rule", "Finds what the test plants.",
                           find, "SP-5")
    monkeypatch.setitem(compliance._rules, TEST_RULE, rule)
    return found


@pytest.fixture
def documents(demo):
    """Two draft procedure documents (drafts break no rule of the real registry)."""
    from core import records
    from core.context import acting_as

    author = demo["svc_manager"]
    with acting_as(author):
        return [records.create(ProcedureDocument(title=f"检查用程序文件 {n}", owner_department=author.department),
                               author) for n in (1, 2)]


def finding_of(document):
    return Finding.objects.get(rule_id=TEST_RULE, object_id=document.pk,
                               content_type=ContentType.objects.get_for_model(document))


def test_findings_are_kept_across_runs(breaches, documents, demo):
    first, second = documents
    breaches.extend([first, second])
    run = checks.run(RunTrigger.MANUAL, demo["mr"])
    assert (run.state, run.found, run.new, run.resolved) == (RunState.DONE, 2, 2, 0)
    finding = finding_of(first)
    assert finding.status == FindingStatus.OPEN and finding.severity == "minor" and finding.clause == "7.5.3"
    assert readable(finding.message) == f"Planted on {first.number}."
    assert finding.object_url == first.get_absolute_url() and finding.first_found == finding.last_found
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(run.pk),
                                     content_type=ContentType.objects.get_for_model(ComplianceRun)).exists()

    breaches.remove(second)
    again = checks.run(RunTrigger.SCHEDULED)
    assert (again.found, again.new, again.resolved) == (1, 0, 1)
    kept = finding_of(first)
    assert kept.pk == finding.pk and kept.first_found == finding.first_found and kept.last_run == again
    gone = finding_of(second)
    assert gone.status == FindingStatus.RESOLVED and gone.resolved_at is not None

    breaches.append(second)
    third = checks.run(RunTrigger.MANUAL, demo["mr"])
    assert (third.found, third.new, third.resolved) == (2, 1, 0)
    assert finding_of(second).status == FindingStatus.OPEN and finding_of(second).resolved_at is None


def test_a_failing_rule_leaves_its_findings_and_fails_the_run(breaches, documents, demo, monkeypatch):
    breaches.append(documents[0])
    checks.run(RunTrigger.MANUAL, demo["mr"])

    def broken(scope):
        raise RuntimeError("broken")
        yield  # pragma: no cover

    monkeypatch.setitem(compliance._rules, TEST_RULE, compliance.Rule(TEST_RULE, "7.5.3", "minor", "t", "e", broken))
    run = checks.run(RunTrigger.MANUAL, demo["mr"])
    assert run.state == RunState.FAILED and TEST_RULE in readable(run.message)
    assert run.rules_run == len(compliance.rules()) - 1
    assert finding_of(documents[0]).status == FindingStatus.OPEN


def test_accept_needs_a_justification_and_the_right_and_is_audited(breaches, documents, demo):
    breaches.append(documents[0])
    checks.run(RunTrigger.MANUAL, demo["mr"])
    finding = finding_of(documents[0])
    with pytest.raises(ValidationError):
        checks.accept(finding, demo["mr"], "   ")
    with pytest.raises(PermissionDenied):
        checks.accept(finding, demo["svc_staff"], "not mine to decide")
    with pytest.raises(PermissionDenied):
        checks.accept(finding, demo["auditor"], "auditors read only")
    checks.accept(finding, demo["mr"], "Legacy document, reissued next quarter.")
    finding.refresh_from_db()
    assert (finding.status, finding.decided_by, finding.justification) == (
        FindingStatus.ACCEPTED, demo["mr"], "Legacy document, reissued next quarter.")
    entry = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Finding),
                                      object_id=str(finding.pk)).get()
    assert entry.action == AuditAction.UPDATE and entry.changes["status"] == ["open", "accepted"]
    assert entry.comment == "Legacy document, reissued next quarter."
    with pytest.raises(ValidationError):
        checks.accept(finding, demo["mr"], "twice")
    # Still found: it stays accepted.
    checks.run(RunTrigger.MANUAL, demo["mr"])
    assert finding_of(documents[0]).status == FindingStatus.ACCEPTED


def test_an_improvement_raised_from_a_finding_settles_it(breaches, documents, demo, client_for):
    breaches.append(documents[0])
    checks.run(RunTrigger.MANUAL, demo["mr"])
    finding = finding_of(documents[0])
    client = client_for("mr")
    response = client.post(f"/assurance/finding/{finding.pk}/improvement/")
    assert response.status_code == 302 and "source=assurance.finding" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "audit_finding" in page.content.decode() and f"Planted on {documents[0].number}." in page.content.decode()

    from core.context import acting_as
    from improvement import services
    from improvement.models import Improvement

    with acting_as(demo["mr"]):
        improvement = Improvement(title="Reissue the procedure", owner=demo["mr"], plan="Reissue",
                                  owner_department=demo["mr"].department, due_date=documents[0].created.date())
        services.create(improvement, demo["mr"], source=finding)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IMPROVEMENT and finding.improvement == improvement
    assert improvement.source_kind == "audit_finding" and improvement.source_label.startswith(TEST_RULE)
    assert AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Finding),
                                     object_id=str(finding.pk), changes__status=["open", "improvement"]).exists()
    with pytest.raises(PermissionDenied):
        checks.raise_improvement(finding, demo["mr"])  # decided already


def test_pages(breaches, documents, demo, client_for):
    breaches.append(documents[0])
    checks.run(RunTrigger.MANUAL, demo["mr"])
    finding = finding_of(documents[0])
    client = client_for("mr")

    rules = client.get("/assurance/rules/").content.decode()
    for rule in compliance.rules():
        assert f'id="rule-{rule.id}"' in rules and escape(str(rule.explanation)) in rules
    assert f'href="/assurance/finding/?rule_id={TEST_RULE}&amp;status=open">1</a>' in rules

    listing = client.get("/assurance/finding/", {"rule_id": TEST_RULE}).content.decode()
    assert documents[0].number in listing and f"Planted on {documents[0].number}." in listing
    export = client.get("/assurance/finding/", {"rule_id": TEST_RULE, "export": "csv"})
    assert export.status_code == 200 and documents[0].number in b"".join(export.streaming_content).decode()

    detail = client.get(f"/assurance/finding/{finding.pk}/").content.decode()
    assert 'id="accept-finding"' in detail and 'id="raise-improvement"' in detail
    assert documents[0].get_absolute_url() in detail
    read_only = client_for("auditor").get(f"/assurance/finding/{finding.pk}/").content.decode()
    assert 'id="accept-finding"' not in read_only and 'id="raise-improvement"' not in read_only
    chinese = client_for("mr", language="zh-hans").get(f"/assurance/finding/{finding.pk}/")
    assert chinese.status_code == 200

    refused = client.post(f"/assurance/finding/{finding.pk}/accept/", {"accept-justification": ""})
    assert refused.status_code == 400
    assert client_for("auditor").post(f"/assurance/finding/{finding.pk}/accept/",
                                      {"accept-justification": "x"}).status_code == 403
    done = client.post(f"/assurance/finding/{finding.pk}/accept/", {"accept-justification": "Known and planned."})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACCEPTED


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_run_now_is_a_background_job(demo, client_for, immediate_tasks):
    client = client_for("auditor")
    assert client.get("/assurance/run/add/").status_code == 200
    assert client_for("svc_staff").get("/assurance/run/add/").status_code == 403
    response = client.post("/assurance/run/add/")
    job = BackgroundJob.objects.filter(owner=demo["auditor"]).latest("pk")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "compliance" and job.state == JobState.DONE
    run = ComplianceRun.objects.get(job=job)
    assert run.state == RunState.DONE and run.started_by == demo["auditor"] and run.trigger == RunTrigger.MANUAL
    assert client.get(run.get_absolute_url()).status_code == 200
    assert client.get("/assurance/run/").status_code == 200


def test_api(breaches, documents, demo, client_for, immediate_tasks):
    breaches.append(documents[0])
    client = client_for("mr")
    started = client.post("/api/assurance/compliance-runs/", {}, content_type="application/json")
    assert started.status_code == 202 and started.json()["kind"] == "compliance"
    rules = {r["id"]: r for r in client.get("/api/assurance/findings/rules/").json()}
    assert rules[TEST_RULE]["open_findings"] == 1 and rules["WF-1"]["clause"] == "5.3"
    listed = client.get("/api/assurance/findings/", {"rule_id": TEST_RULE}).json()["results"]
    assert [f["object_id"] for f in listed] == [documents[0].pk]
    assert listed[0]["message"] == f"Planted on {documents[0].number}."
    finding_id = listed[0]["id"]
    assert client.post(f"/api/assurance/findings/{finding_id}/accept/", {},
                       content_type="application/json").status_code == 400
    assert client_for("auditor").post(f"/api/assurance/findings/{finding_id}/accept/", {"justification": "x"},
                                      content_type="application/json").status_code == 403
    accepted = client.post(f"/api/assurance/findings/{finding_id}/accept/", {"justification": "Planned."},
                           content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert client_for("svc_staff").post("/api/assurance/compliance-runs/", {},
                                        content_type="application/json").status_code == 403


def test_schedule_and_work_queue(breaches, documents, demo):
    assert (checks.scheduled_checks_task, "30 2 * * *") in schedule.jobs()
    breaches.append(documents[0])
    checks.run(RunTrigger.SCHEDULED)
    finding = finding_of(documents[0])
    mine = {item.key: item for item in worklist.items_for(demo["mr"])}
    assert mine[f"finding:{finding.pk}"].url == finding.get_absolute_url()
    assert f"finding:{finding.pk}" not in {item.key for item in worklist.items_for(demo["auditor"])}
    checks.accept(finding, demo["mr"], "Known.")
    assert f"finding:{finding.pk}" not in {item.key for item in worklist.items_for(demo["mr"])}
