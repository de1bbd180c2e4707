"""The demo company: every built record type on first login, idempotent, and still loadable after users worked."""

import io

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
    from contracts.models import Contract
    from reporting.models import ActionItem, MeetingMinutes, MonthlyServiceReport, ReportProfile
    from reporting.services.due import late_reports
    from servicedata.models import Ticket

    signed = Contract.objects.signed()
    assert signed.count() >= 2 and Ticket.objects.filter(contract__in=signed).exists()
    assert ReportProfile.objects.exclude(recipients=[]).exists()
    assert MonthlyServiceReport.objects.filter(status="issued", contract__in=signed).exists()
    assert MeetingMinutes.objects.filter(status="distributed").exists()
    assert ActionItem.objects.overdue().exists() and ActionItem.objects.exclude(
        pk__in=ActionItem.objects.overdue()).exists()
    assert late_reports(), "contracts in force without last month's report show as late"


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
        for record in model.objects.filter(status__in=frozen, successor__isnull=True).order_by("pk")[:2]:
            _new_version(record, [demo["admin"], record.author])
            drafted.add(record_type.code)
    assert len(drafted) >= 10, drafted
    load_demo()
    call_command("generate_service_data", tickets=20, months=1, seed=1, skip_existing=True, stdout=io.StringIO())
    load_demo()
