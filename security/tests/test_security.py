"""Information security incidents (issue 13, point 3; SP-4.5.5): marking a ticket opens an incident and tells the
director once (in-app and e-mail, at once whatever the digest setting); no acknowledgement within the set time
escalates once to the next person of the chain, however often the reminder job runs; keyword rules and the
import's security column open incidents on an import, once per ticket."""

import pytest
from django.core import mail

from core import workflow
from core.context import acting_as
from core.models import AuditEntry
from notifications.choices import EmailMode, NotificationKind
from notifications.models import Notification
from notifications.services import preference_for, send_reminders
from security import services
from security.choices import Detection, IncidentStatus
from security.models import EscalationStep, SecurityIncident, SecuritySettings
from servicedata.models import Ticket
from servicedata.tests.helpers import csv_bytes, import_bytes, import_records

from .helpers import chain_contract, fresh_ticket, mark, reported_minutes_ago

pytestmark = pytest.mark.django_db


def urgent_to(user, incident):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.URGENT,
                                       key__startswith=f"security_ack:{incident.pk}")


def mails_about(user, incident):
    return [m for m in mail.outbox if user.email in m.to and incident.number in m.body]


def escalations(incident):
    return AuditEntry.objects.filter(content_type__model="securityincident", object_id=str(incident.pk),
                                     changes__has_key="escalated_to")


@pytest.fixture
def director(demo):
    """The director reads e-mail as a daily digest: the urgent item is e-mailed at once all the same."""
    user = demo["tsd_director"]
    preference = preference_for(user)
    preference.email_mode = EmailMode.DIGEST
    preference.save()
    return user


def test_marking_a_ticket_opens_an_incident_and_notifies_the_director_once(demo, director,
                                                                            django_capture_on_commit_callbacks):
    ticket = fresh_ticket()
    with django_capture_on_commit_callbacks() as callbacks:
        incident = mark(demo["svc_staff"], ticket)
    assert callbacks, "reporting is a transition: a reminder run is enqueued when it commits"
    assert incident.status == IncidentStatus.REPORTED and incident.reported_at is not None
    assert incident.detection == Detection.BY_HAND and incident.detected_by == demo["svc_staff"]
    assert list(incident.tickets.all()) == [ticket]
    assert Ticket.objects.get(pk=ticket.pk).security
    mail.outbox.clear()
    send_reminders()
    send_reminders()
    assert urgent_to(director, incident).count() == 1
    assert len(mails_about(director, incident)) == 1
    # Marking the same ticket again opens nothing new.
    again, created = services.mark_by_hand(ticket, demo["svc_staff"])
    assert again == incident and not created
    assert SecurityIncident.objects.filter(tickets=ticket).count() == 1


def test_the_urgent_item_is_first_on_the_directors_home_page(demo, client_for):
    incident = mark(demo["svc_manager"])
    page = client_for("tsd_director").get("/").content.decode()
    assert 'id="urgent-items"' in page and incident.number in page
    assert page.index("urgent-items") < page.index("pending-approvals")


def test_no_acknowledgement_within_the_set_time_escalates_once(demo, director):
    config = SecuritySettings.current()
    config.acknowledge_minutes = 30
    config.save()
    nobody_yet = demo["mr"]
    EscalationStep.objects.filter(settings=config).delete()
    EscalationStep.objects.create(settings=config, position=1, person=demo["gm"])
    EscalationStep.objects.create(settings=config, position=2, person=nobody_yet)
    incident = mark(demo["svc_manager"])
    send_reminders()
    assert not urgent_to(demo["gm"], incident).exists(), "within the time nobody else is told"

    reported_minutes_ago(incident, 31)  # the time moved on: past the acknowledgement time, not yet past two
    mail.outbox.clear()
    for _run in range(3):
        send_reminders()
    incident.refresh_from_db()
    assert incident.escalation_level == 1
    assert urgent_to(demo["gm"], incident).count() == 1
    assert len(mails_about(demo["gm"], incident)) == 1
    assert escalations(incident).count() == 1, "each step is in the timeline exactly once"
    assert not urgent_to(nobody_yet, incident).exists()
    assert any(step["what"] == "Escalated" for step in services.timeline(incident))

    # Whoever the escalation reached may acknowledge; the acknowledgement ends the escalation.
    with acting_as(demo["gm"]):
        workflow.fire(incident, "acknowledge", demo["gm"])
    reported_minutes_ago(incident, 120)
    send_reminders()
    incident.refresh_from_db()
    assert incident.escalation_level == 1 and escalations(incident).count() == 1
    assert incident.acknowledged_by == demo["gm"]


def test_only_the_director_or_someone_reached_acknowledges(demo):
    incident = mark(demo["svc_manager"])
    with pytest.raises(workflow.WorkflowError):
        workflow.fire(incident, "acknowledge", demo["svc_manager"])
    workflow.fire(incident, "acknowledge", demo["tsd_director"])
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ACKNOWLEDGED and incident.acknowledged_at is not None


def _rows(*rows):
    base = {"priority": "P3", "created": "2026-11-02 10:00", "category": "软件问题"}
    return [{**base, **row} for row in rows]


def test_keyword_rules_mark_the_tickets_an_import_writes_once(demo, django_capture_on_commit_callbacks):
    config = SecuritySettings.current()
    config.keywords = "勒索\nRansom"
    config.save()
    contract = chain_contract()
    records = _rows({"external_id": "SEC-T1", "summary": "服务器疑似勒索软件"},
                    {"external_id": "SEC-T2", "summary": "printer jam", "configuration_item": "RANSOMWARE-TEST"},
                    {"external_id": "SEC-T3", "summary": "打印机卡纸"})
    with django_capture_on_commit_callbacks(execute=True):
        import_records(contract, demo["svc_staff"], records, external_system="SECTEST")
    marked = {t.external_id: t for t in Ticket.objects.filter(external_system="SECTEST")}
    assert {key for key, t in marked.items() if t.security} == {"SEC-T1", "SEC-T2"}
    opened = SecurityIncident.objects.filter(tickets__external_system="SECTEST")
    assert opened.count() == 2
    assert {(i.detection, i.keyword) for i in opened} == {(Detection.KEYWORD, "勒索"), (Detection.KEYWORD, "Ransom")}
    assert all(i.status == IncidentStatus.REPORTED for i in opened)
    # Re-importing (changed content) opens nothing twice.
    records[0]["summary"] = "服务器疑似勒索软件（复查）"
    with django_capture_on_commit_callbacks(execute=True):
        import_records(contract, demo["svc_staff"], records, external_system="SECTEST")
    assert SecurityIncident.objects.filter(tickets__external_system="SECTEST").count() == 2


@pytest.mark.parametrize(("honoured", "expected"), [(True, {"COL-1", "COL-3"}), (False, set())])
def test_the_import_column_marks_tickets_when_honoured(demo, honoured, expected, django_capture_on_commit_callbacks):
    config = SecuritySettings.current()
    config.keywords = ""
    config.honour_import_column = honoured
    config.save()
    header = ["external_id", "priority", "created", "category", "信息安全"]  # the Chinese header of a ticket file
    data = csv_bytes(_rows({"external_id": "COL-1", "信息安全": "是"}, {"external_id": "COL-2", "信息安全": "否"},
                           {"external_id": "COL-3", "信息安全": "Y"}), header=header)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_bytes(chain_contract(), demo["svc_staff"], data, external_system="COLTEST")
    assert not result.rejected
    opened = SecurityIncident.objects.filter(tickets__external_system="COLTEST")
    assert {t.external_id for i in opened for t in i.tickets.all()} == expected
    assert all(i.detection == Detection.IMPORT_COLUMN for i in opened)


def test_marking_by_hand_over_the_api_and_the_ticket_page(demo, client_for):
    ticket = fresh_ticket()
    page = client_for("svc_staff").get(ticket.get_absolute_url()).content.decode()
    assert "mark-security" in page
    response = client_for("svc_staff").post("/api/security/incidents/mark-ticket/", {"ticket": ticket.pk},
                                            content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == IncidentStatus.REPORTED
    again = client_for("svc_staff").post("/api/security/incidents/mark-ticket/", {"ticket": ticket.pk},
                                         content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert client_for("auditor").post("/api/security/incidents/mark-ticket/", {"ticket": ticket.pk},
                                      content_type="application/json").status_code == 403
    other = fresh_ticket()
    response = client_for("svc_staff").post(f"/security/ticket/{other.pk}/mark/", {"severity": "high",
                                                                                   "description": "x"})
    assert response.status_code == 302
    assert SecurityIncident.objects.filter(tickets=other, severity="high").count() == 1


def test_the_closed_demo_incident_exports_its_timeline(demo, client_for):
    incident = SecurityIncident.objects.get(status=IncidentStatus.CLOSED)
    response = client_for("svc_manager").get(f"/security/securityincident/{incident.pk}/export/?format=docx")
    assert response.status_code == 200
    import io

    import docx

    text = "\n".join(cell.text for table in docx.Document(io.BytesIO(response.content)).tables
                     for row in table.rows for cell in row.cells)
    for label in ("Report", "Acknowledge", "Solution drawn up", "Approve the solution", "Record as verified", "Close"):
        assert label in text, label


def test_the_late_demo_incident_was_escalated_once(demo):
    incident = SecurityIncident.objects.get(detection=Detection.IMPORT_COLUMN, number__isnull=False,
                                            escalation_level__gt=0)
    assert escalations(incident).count() == 1
    assert incident.acknowledged_by == demo["gm"]
    assert services.acknowledged_after(incident) > SecuritySettings.current().acknowledge_minutes


def test_reports_and_the_closure_checklist_count_open_incidents(demo):
    from datetime import timedelta

    from django.utils import timezone

    from closure.checklist import items
    from core import report_sections as rs
    from projects.models import Project

    contract = chain_contract()
    incident = mark(demo["svc_manager"])
    now = timezone.now()
    scope = rs.Scope(contracts=(contract,), start=now - timedelta(days=1), end=now + timedelta(days=1))
    internal = {s["key"]: s for s in rs.sections(rs.INTERNAL, scope)}["security_incidents"]
    assert incident.number in [row[0] for row in internal["rows"]]
    assert all(len(row) == 5 for row in internal["rows"])  # number, title, contract, reported, state: no details
    summary = {s["key"]: s for s in rs.sections(rs.SUMMARY, scope)}["security_incidents"]
    assert summary["rows"][0][0] >= 1
    assert "security_incidents" not in {s["key"] for s in rs.sections(rs.MONTHLY, scope)}
    project = Project.objects.filter(contract__number=contract.number).order_by("pk").first()
    keys = {item.key: item for item in items(project)}
    assert f"security_incident:{incident.pk}" in keys and not keys[f"security_incident:{incident.pk}"].done
