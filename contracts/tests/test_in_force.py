"""A signed contract is in force: monitoring and reporting cover it (one definition, ContractQuerySet.in_force)."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from contracts.choices import SignedStatus
from contracts.models import Contract
from reporting.services.due import late_reports
from reporting.services.internal import contracts_in_scope

SIGNED_TITLE = "温州水务 营收系统应用运维服务合同"


@pytest.fixture
def signed(db, demo):
    contract = Contract.objects.get(title=SIGNED_TITLE, status=SignedStatus.SIGNED)
    assert contract.start_date <= date(2026, 11, 1) <= contract.end_date
    return contract


def test_signed_and_approved_contracts_are_in_force(signed):
    approved = Contract.objects.filter(status=SignedStatus.APPROVED).first()
    assert signed.is_in_force and signed in Contract.objects.in_force()
    assert approved.is_in_force and signed.in_force() == signed
    assert not Contract.objects.in_force().exclude(status__in=(SignedStatus.APPROVED, SignedStatus.SIGNED)).exists()


def test_an_unsigned_change_does_not_replace_the_signed_version(signed):
    change = Contract.objects.create(number=signed.number, version=signed.version + 1, predecessor=signed,
                                     title=signed.title, customer=signed.customer, start_date=signed.start_date,
                                     end_date=signed.end_date, service_tier=signed.service_tier,
                                     owner_department=signed.owner_department, author=signed.author,
                                     status=SignedStatus.APPROVED)
    assert list(Contract.objects.filter(number=signed.number).in_force()) == [signed]
    assert not change.is_in_force and change.in_force() == signed


def test_internal_report_covers_signed_contracts(signed):
    assert signed in contracts_in_scope("company", None, 2026, 11)


def test_overdue_report_panel_covers_signed_contracts(signed):
    # July 2027: past the months the demo reports on, within the contract.
    assert signed.number in {item["contract"].number for item in late_reports(date(2027, 8, 20))}


def test_sla_overview_page_and_api_cover_signed_contracts(signed, client_for):
    page = client_for("auditor").get("/servicedata/sla/").content.decode()
    assert signed.number in page
    rows = client_for("auditor").get("/api/servicedata/sla/").json()
    assert signed.pk in {row["contract"] for row in rows}


def test_generated_service_data_covers_signed_contracts(signed):
    call_command("generate_service_data", tickets=20, months=1, seed=3, skip_existing=True, stdout=io.StringIO())
    assert signed.tickets.exists()
