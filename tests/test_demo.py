"""The demo company: every built record type on first login, idempotent, and still loadable after users worked."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from core import records
from core.context import acting_as
from core.models import AuditEntry, RecordIndex
from core.registry import registry

pytestmark = pytest.mark.django_db

REVIEW_STATES = {"in_review", "dept_approved"}
DONE_STATES = {"approved", "signed", "issued", "distributed"}


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def implemented_types():
    return [record_type for record_type in registry if record_type.implemented]


def test_every_built_record_type_is_in_the_demo_in_realistic_states(demo):
    present = set(RecordIndex.objects.values_list("record_type", flat=True))
    assert {t.code for t in implemented_types()} <= present
    statuses = set(RecordIndex.objects.values_list("status", flat=True))
    assert "draft" in statuses and statuses & REVIEW_STATES and statuses & DONE_STATES


def test_demo_shows_the_procedure_working(demo):
    from django.utils import timezone

    from contracts.models import Contract
    from reporting.models import ActionItem, MeetingMinutes, MonthlyServiceReport, ReportProfile
    from reporting.services.due import late_reports, reports_due
    from servicedata.models import Ticket

    signed = Contract.objects.signed()
    assert signed.count() >= 2 and Ticket.objects.filter(contract__in=signed).exists()
    assert ReportProfile.objects.exclude(recipients=[]).exists()
    assert MonthlyServiceReport.objects.filter(status="issued", contract__in=signed).exists()
    assert MeetingMinutes.objects.filter(status="distributed").exists()
    # Actions open and due soon, none overdue (the demo company passes the compliance checks: ACT-1).
    assert not ActionItem.objects.overdue().exists() and ActionItem.objects.filter(
        status="open", due_date__lte=timezone.localdate() + timedelta(days=14)).exists()
    # Contracts in force without last month's report: due on their project manager's home page, late after the due
    # day (whatever day of the month the test runs on).
    missing = reports_due()
    assert missing, "contracts in force without last month's report are due"
    assert late_reports(max(item.due for item in missing) + timedelta(days=1)), "and late after their due day"


def test_division_director_sees_an_initiation_application_awaiting_the_second_approval(demo, client_for):
    from projects.models import InitiationApplication

    waiting = InitiationApplication.objects.get(status="dept_approved")
    assert waiting.number in awaiting_me(client_for("tsd_director"))
    assert waiting.number not in awaiting_me(client_for("svc_manager"))  # the department's approval is given
    assert waiting.number not in awaiting_me(client_for("pm"))  # the author


def awaiting_me(client):
    """The home page's "awaiting my approval" list."""
    page = client.get("/").content.decode()
    return page.split('id="pending-approvals"')[1].split('id="work-next"')[0]


def test_load_demo_twice_changes_nothing(demo):
    entries = AuditEntry.objects.count()
    load_demo()
    load_demo()
    assert AuditEntry.objects.count() == entries


def _new_version(record, users):
    for user in users:
        try:
            with acting_as(user, request_id="test"):
                return records.new_version(record, user)
        except PermissionDenied:
            continue
    raise AssertionError(f"nobody may start a new version of {record}")


def test_load_demo_and_setup_after_a_new_draft_version_of_every_record_type(demo):
    """Users work in the demo: every versionable record type gets a version-2 draft; `make setup` still works."""
    drafted = set()
    for record_type in implemented_types():
        model = record_type.model
        frozen = record_type.workflow.frozen_states
        rows = model.objects.filter(status__in=frozen, successor__isnull=True).order_by("pk")
        # A closed project takes no new versions (the demo's finished project is closed): work goes on elsewhere.
        open_rows = [r for r in rows[:10] if getattr(getattr(r, "project", None), "status", "open") != "closed"]
        for record in open_rows[:2]:
            _new_version(record, [demo["admin"], record.author])
            drafted.add(record_type.code)
    assert len(drafted) >= 10, drafted
    load_demo()
    call_command("generate_service_data", tickets=20, months=1, seed=1, skip_existing=True, stdout=io.StringIO())
    load_demo()


def test_the_demo_has_a_finished_project_summarised_reviewed_accepted_and_closed(demo):
    """Issue 12: the eleven outputs of the procedure's section 5 have real entries, one project closed and accepted."""
    from django.utils import timezone

    from closure.demo import finished_project
    from closure.models import Acceptance, AcceptanceCertificate, InternalReview, ProjectClosure, SummaryReport
    from closure.services.acceptance import acceptance_valid
    from projects.models import TaskProgress
    from reporting.models import MonthlyServiceReport, SatisfactionResponse

    project = finished_project()
    assert project.status == "closed" and project.end_date < timezone.localdate()
    assert TaskProgress.objects.filter(project=project).exclude(state="done").count() == 0
    months = MonthlyServiceReport.objects.filter(contract=project.contract, status="issued")
    assert sorted(months.values_list("month", flat=True)) == [7, 8, 9]
    assert SummaryReport.objects.get(project=project).status == "approved"
    review = InternalReview.objects.get(project=project)
    verdicts = [c.verdicts.order_by("-pk").first().verdict for c in review.criteria.all()]
    assert review.status == "approved" and verdicts.count("deviation") == 1 and set(verdicts) == {"pass", "deviation"}
    assert review.criteria.values("department").distinct().count() == 2
    certificate = AcceptanceCertificate.objects.get(project=project)
    acceptance = Acceptance.objects.get(certificate=certificate)
    assert certificate.status == "accepted" and acceptance.method == "portal" and acceptance.user == demo["customer"]
    assert acceptance_valid(acceptance) and len(acceptance.document_sha256) == 64
    closure = ProjectClosure.objects.get(project=project)
    assert closure.status == "approved" and closure.checklist_snapshot
    assert all(row["state"] == "done" for row in closure.checklist_snapshot)
    assert SatisfactionResponse.objects.filter(contract=project.contract, respondent=demo["customer"]).count() == 4
    spec_outputs = [t.code for t in registry if t.in_spec_register]
    assert len(spec_outputs) == 11
    done = set(RecordIndex.objects.filter(status__in=DONE_STATES | {"accepted"}).values_list("record_type", flat=True))
    assert set(spec_outputs) <= done, set(spec_outputs) - done


def test_a_certificate_offered_to_the_customer_waits_on_their_home_page(demo, client):
    """The closure and portal branches meet: a certificate in "acceptance requested" is listed on the customer
    contact's home with its answer page; once decided it is no longer waiting."""
    from closure.tests.helpers_acceptance import requested_certificate
    from customers.models import Contact
    from portal.services import give_sign_in

    cert, _links = requested_certificate(demo, contacts=False)
    contact = Contact.objects.create(customer=cert.customer, name="陈丽", job_title="信息中心主任")
    with acting_as(demo["sales"]):
        user, _password = give_sign_in(contact, demo["sales"], username="offered_contact")
    client.force_login(user)
    home = client.get("/portal/").content.decode()
    assert cert.number in home and f"/closure/acceptancecertificate/{cert.pk}/respond/" in home
