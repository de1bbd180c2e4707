"""Report settings come from the project plan's reporting section (issue 11: no hidden prerequisites)."""

import pytest
from django.core import mail

from contracts.models import Contract
from core import records, workflow
from core.context import acting_as
from projects import services as project_services
from projects.tests import helpers
from reporting.models import MonthlyServiceReport, ReportProfile, profile_for
from reporting.services.profiles import profile_from_plan, recipients_for

ADDRESSES = ["lin.guodong@wzwater.example", "it-ops@example.com"]


@pytest.fixture
def project(demo):
    """A project on a signed contract that has no report settings yet."""
    with_profiles = ReportProfile.objects.values_list("contract__number", flat=True)
    contract = Contract.objects.filter(status__in=["approved", "signed"]).exclude(number__in=with_profiles) \
        .order_by("pk").first()
    helpers.sign_contract_for_test(contract)
    with acting_as(demo["svc_manager"]):
        project = project_services.open_project(contract, demo["svc_manager"], name="报告设置测试项目")
        project_services.appoint_manager(project, demo["pm"], demo["svc_manager"])
    return project


def approved_plan_with(project, demo, recipients):
    return helpers.approved_plan(project, demo, recipients=recipients)


def test_approving_the_plan_sets_up_the_report_settings(demo, project):
    plan = approved_plan_with(project, demo, ["客户信息部 林主任", *ADDRESSES])
    profile = profile_for(project.contract)
    assert profile is not None and profile.contract_id == project.contract_id
    # The addresses among the plan's recipients (a name alone cannot be sent to), its sections and period.
    assert profile.recipients == ADDRESSES
    assert profile.sections == plan.report_sections and profile.report_period == plan.report_period
    # Written by whoever's role may (the TSD director approving may not, so the PM who agreed it with the customer).
    assert profile.author == demo["pm"]


def test_a_report_is_issued_to_the_plans_addresses(demo, project):
    approved_plan_with(project, demo, ADDRESSES)
    pm = demo["pm"]
    with acting_as(pm):
        report = records.create(MonthlyServiceReport(contract=project.contract, year=2026, month=10,
                                                     title="十月服务月报", owner_department=pm.department), pm)
    assert recipients_for(report) == ADDRESSES


def test_no_address_anywhere_is_refused_with_a_link_to_the_plan(demo, project):
    plan = approved_plan_with(project, demo, ["客户信息部"])
    pm = demo["pm"]
    with acting_as(pm):
        report = records.create(MonthlyServiceReport(contract=project.contract, year=2026, month=10,
                                                     title="十月服务月报", owner_department=pm.department), pm)
    with pytest.raises(workflow.WorkflowError) as refused:
        recipients_for(report)
    assert "names none" in refused.value.messages[0]
    assert refused.value.fixes[0].url == plan.get_absolute_url()
    assert not mail.outbox or all(report.number not in m.subject for m in mail.outbox)


def test_an_approved_profile_gets_a_new_version_when_the_plan_changes(demo, project):
    plan = approved_plan_with(project, demo, ADDRESSES[:1])
    profile = profile_for(project.contract)
    with acting_as(profile.author):
        workflow.fire(profile, "submit", profile.author)
    with acting_as(demo["svc_manager"]):
        workflow.fire(profile, "approve", demo["svc_manager"], "同意")
    plan.report_recipients = ADDRESSES
    with acting_as(demo["pm"]):
        updated = profile_from_plan(plan, demo["pm"])
    assert updated.version == profile.version + 1 and updated.recipients == ADDRESSES
    assert profile_for(project.contract).pk == profile.pk  # the approved one stays in force until approved
    # Nothing changed: nothing written.
    with acting_as(demo["pm"]):
        assert profile_from_plan(plan, demo["pm"]).pk == updated.pk
    assert ReportProfile.objects.filter(number=profile.number).count() == 2


def test_the_plan_page_offers_the_button_to_whoever_writes_the_report(demo, project, client_for):
    plan = approved_plan_with(project, demo, ADDRESSES)
    ReportProfile.objects.filter(contract=project.contract).delete()
    page = client_for("pm").get(plan.get_absolute_url()).content.decode()
    assert 'id="set-up-report-settings"' in page
    assert 'id="set-up-report-settings"' not in client_for("auditor").get(plan.get_absolute_url()).content.decode()
    response = client_for("pm").post(f"/reporting/projectplan/{plan.pk}/report-settings/")
    assert response.status_code == 302
    assert profile_for(project.contract).recipients == ADDRESSES
    assert client_for("auditor").post(f"/reporting/projectplan/{plan.pk}/report-settings/").status_code == 403


def test_the_demo_profile_of_the_planned_contract_came_from_its_plan(demo):
    from projects.models import ProjectPlan

    plan = ProjectPlan.objects.filter(status="approved").order_by("pk").first()
    profile = profile_for(plan.project.contract)
    assert profile.recipients == [r for r in plan.report_recipients if "@" in r]
