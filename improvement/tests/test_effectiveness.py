"""The effectiveness check (SP-4.5.6, issue 13): the measure before and after implementation, recounted here from
the raw tickets of the test, minute by minute with plain loops over the hospital contract's business hours
(Monday–Friday 09:00–12:00 and 13:00–18:00 Asia/Shanghai, public holidays and adjusted workdays from
`chinese_calendar`), not through the SLA engine; and closing without the check is refused (service, page, API).
"""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from contracts.models import Contract
from core import audit, records, workflow
from core.context import acting_as
from core.workflow import WorkflowError
from improvement import services
from improvement.choices import ImprovementStatus, MeasureKind, SourceKind
from improvement.models import Improvement
from servicedata.models import Ticket
from servicedata.tests.brute_force import BJ, business_minutes, due_instant, workday
from servicedata.tests.helpers import import_records

FMT = "%Y-%m-%d %H:%M"
BEFORE = [(2026, 3), (2026, 4), (2026, 5)]
AFTER = [(2026, 6), (2026, 7)]
# Response delays in wall-clock minutes: some inside a P2 target, some long past it (overnight, a weekend).
BEFORE_DELAYS = [5, 20, 45, 90, 300, 1500, 2900]
AFTER_DELAYS = [5, 10, 20, 25, 45, 90, 15]


def workdays_of(year, month):
    day = date(year, month, 3)
    while day.month == month and day.day < 20:
        if workday(day):
            yield day
        day += timedelta(days=1)


def tickets_for(months, delays, prefix):
    rows = []
    for year, month in months:
        for i, (day, delay) in enumerate(zip(workdays_of(year, month), delays, strict=False)):
            created = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BJ)
            rows.append({"external_id": f"{prefix}{year}{month:02d}{i}", "priority": "P2", "category": "桌面",
                         "created": created.strftime(FMT), "summary": "P2 工单",
                         "first_response": (created + timedelta(minutes=delay)).strftime(FMT)})
            # A P3 ticket answered late: not part of the P2 measure.
            rows.append({"external_id": f"{prefix}{year}{month:02d}{i}x", "priority": "P3", "category": "桌面",
                         "created": created.strftime(FMT), "summary": "P3 工单",
                         "first_response": (created + timedelta(minutes=3000)).strftime(FMT)})
    return rows


def recount(contract, months, target_minutes):
    """(within, counted) of the P2 response clock, decided in the months, from the raw tickets."""
    within = counted = 0
    for ticket in Ticket.objects.filter(contract__number=contract.number, priority="P2"):
        met = ticket.first_response is not None and \
            business_minutes(ticket.created, ticket.first_response) <= target_minutes
        decided = (ticket.first_response if met else due_instant(ticket.created, target_minutes)).astimezone(BJ)
        if (decided.year, decided.month) in months:
            within += met
            counted += 1
    return within, counted


@pytest.fixture
def contract(demo):
    return Contract.objects.signed().get(customer__code="nbhospital", title__contains="桌面运维")


@pytest.fixture
def loaded(contract, demo):
    assert not Ticket.objects.filter(contract__number=contract.number).exists()
    rows = tickets_for(BEFORE, BEFORE_DELAYS, "B") + tickets_for(AFTER, AFTER_DELAYS, "A")
    result = import_records(contract, demo["svc_staff"], rows, external_system="itsm")
    assert not result.rejected, result.errors
    return contract


def p2_target(contract):
    target = {t.priority: t for t in contract.service_tier.priority_targets.all()}["P2"]
    assert contract.sla_for(date(2026, 7, 31)).targets()["P2"].response_seconds == target.response_minutes * 60
    return target.response_minutes


def drafted(contract, user, **fields):
    values = {"title": "P2 响应提速", "contract": contract, "owner": user, "owner_department": user.department,
              "source_kind": SourceKind.MISSED_TARGET, "measure": MeasureKind.RESPONSE, "measure_priority": "P2",
              "target_value": 80, "due_date": date(2026, 5, 31), "plan": "增设值班工程师", **fields}
    with acting_as(user):
        improvement = records.create(Improvement(**values), user)
        return services.take_baseline(improvement, user, today=date(2026, 6, 10))


def implemented(improvement, user, on=date(2026, 5, 31)):
    with acting_as(user):
        workflow.fire(improvement, "start", user)
        before = audit.snapshot(improvement)
        improvement.implemented_on = on
        records.update(improvement, user, before)
        workflow.fire(improvement, "implement", user)
    improvement.refresh_from_db()
    return improvement


def test_the_check_compares_the_measure_before_and_after_recounted_from_the_tickets(loaded, demo):
    contract, staff, manager = loaded, demo["svc_staff"], demo["svc_manager"]
    target = p2_target(contract)
    before_within, before_counted = recount(contract, BEFORE, target)
    after_within, after_counted = recount(contract, AFTER, target)
    # The data is what the test means it to be: late answers before, nearly all in time after.
    assert before_counted >= 15 and 0 < before_within < before_counted
    assert after_counted >= 10 and after_within / after_counted > before_within / before_counted

    improvement = drafted(contract, staff)
    assert improvement.baseline_months == ["2026-03", "2026-04", "2026-05"]  # the three full months before
    assert (improvement.baseline_detail["within"], improvement.baseline_detail["counted"]) == \
        (before_within, before_counted)
    assert improvement.baseline_value == pytest.approx(round(100 * before_within / before_counted, 2))

    improvement = implemented(improvement, staff)
    with acting_as(staff):
        improvement = services.record_check(improvement, staff, True, "夜间响应明显改善", today=date(2026, 8, 5))
    # Up to three full months after the implemented date, but only those already over: June and July.
    assert improvement.after_months == ["2026-06", "2026-07"]
    assert (improvement.after_detail["within"], improvement.after_detail["counted"]) == (after_within, after_counted)
    assert improvement.after_value == pytest.approx(round(100 * after_within / after_counted, 2))
    assert improvement.improved is True
    assert improvement.target_reached == (100 * after_within / after_counted >= 80)

    with acting_as(staff):
        workflow.fire(improvement, "request_close", staff)
        with pytest.raises(PermissionDenied):  # the Service Department manager approves the check
            workflow.fire(improvement, "close", staff)
    with acting_as(manager):
        workflow.fire(improvement, "close", manager, "验证有效")
    improvement.refresh_from_db()
    assert improvement.status == ImprovementStatus.CLOSED and improvement.approved_at is not None
    assert improvement.effective is True


def test_the_baseline_is_frozen_and_a_lower_is_better_measure_counts_tickets(loaded, demo):
    contract, staff = loaded, demo["svc_staff"]
    improvement = drafted(contract, staff, measure=MeasureKind.CATEGORY_TICKETS, measure_priority="",
                          measure_category="桌面", target_value=5)
    tickets = Ticket.objects.filter(contract__number=contract.number, category="桌面")
    per_month = [tickets.filter(created__gte=datetime(y, m, 1, tzinfo=BJ),
                                created__lt=datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=BJ)).count()
                 for y, m in BEFORE]
    assert improvement.baseline_value == pytest.approx(round(sum(per_month) / 3, 2))
    improvement = implemented(improvement, staff)
    frozen = improvement.baseline_value
    Ticket.objects.filter(contract__number=contract.number, created__lt=datetime(2026, 6, 1, tzinfo=BJ)).delete()
    with acting_as(staff):
        improvement = services.record_check(improvement, staff, False, "工单量未下降", today=date(2026, 8, 5))
    assert improvement.baseline_value == frozen  # taken at the start, not recomputed
    after = [tickets.filter(created__gte=datetime(y, m, 1, tzinfo=BJ),
                            created__lt=datetime(y, m + 1, 1, tzinfo=BJ)).count() for y, m in AFTER]
    assert after == [2 * len(AFTER_DELAYS)] * 2  # a P2 and a P3 ticket on each of seven workdays
    assert improvement.after_value == pytest.approx(sum(after) / 2)
    assert improvement.improved is (improvement.after_value < frozen)


def test_no_check_before_a_full_month_has_passed(loaded, demo):
    staff = demo["svc_staff"]
    improvement = implemented(drafted(loaded, staff), staff, on=date(2026, 5, 31))
    with acting_as(staff), pytest.raises(WorkflowError, match="no full month after the implemented date"):
        services.record_check(improvement, staff, True, "too early", today=date(2026, 6, 20))


def test_closing_without_the_check_is_refused(loaded, demo, client_for):
    staff = demo["svc_staff"]
    improvement = implemented(drafted(loaded, staff), staff)
    check_url = improvement.check_url()

    # The service (the workflow engine): refused, with the page that records the check.
    with acting_as(staff), pytest.raises(WorkflowError, match="closes only after its effectiveness check") as refused:
        workflow.fire(improvement, "request_close", staff)
    assert [fix.url for fix in refused.value.fixes] == [check_url]

    # The page: the button is disabled with the reason and the link; pressing it anyway changes nothing.
    client = client_for("svc_staff")
    page = client.get(improvement.get_absolute_url()).content.decode()
    assert 'id="transition-request_close"' in page and "closes only after its effectiveness check" in page
    assert f'class="refusal-fix" href="{check_url}"' in page
    response = client.post(f"/improvement/improvement/{improvement.pk}/transition/",
                           {"transition": "request_close"}, follow=True)
    assert "closes only after its effectiveness check" in response.content.decode()
    improvement.refresh_from_db()
    assert improvement.status == ImprovementStatus.IMPLEMENTED

    # The API: 400 with the reason and the fix.
    api = client.post(f"/api/improvement/improvements/{improvement.pk}/transition/",
                      {"transition": "request_close"}, content_type="application/json")
    assert api.status_code == 400
    body = api.json()
    assert "closes only after its effectiveness check" in str(body)
    assert check_url in [fix["url"] for fix in body["fixes"]]
    transitions = client.get(f"/api/improvement/improvements/{improvement.pk}/transitions/").json()
    blocked = next(t for t in transitions if t["transition"] == "request_close")
    assert blocked["blocked_by"] and blocked["fixes"][0]["url"] == check_url
    improvement.refresh_from_db()
    assert improvement.status == ImprovementStatus.IMPLEMENTED


def test_the_check_over_the_page_and_the_api(loaded, demo, client_for):
    staff = demo["svc_staff"]
    improvement = implemented(drafted(loaded, staff), staff)
    client = client_for("svc_staff")
    page = client.get(improvement.check_url())
    assert page.status_code == 200 and 'id="check-form"' in page.content.decode()
    response = client.post(improvement.check_url(), {"check-effective": "yes", "check-conclusion": "有效"})
    assert response.status_code == 302
    improvement.refresh_from_db()
    assert improvement.check_recorded and improvement.checked_by == staff and improvement.after_months
    # Computed on the server: values sent for them are ignored.
    api = client.patch(f"/api/improvement/improvements/{improvement.pk}/",
                       {"baseline_value": 1, "after_value": 2, "plan": "改"}, content_type="application/json")
    assert api.status_code == 200, api.content
    improvement.refresh_from_db()
    assert improvement.baseline_value != 1 and improvement.after_value != 2 and improvement.plan == "改"
    api = client.post(f"/api/improvement/improvements/{improvement.pk}/check/",
                      {"effective": False, "conclusion": "复核：效果不足"}, content_type="application/json")
    assert api.status_code == 200, api.content
    assert api.json()["effective"] is False and api.json()["after_months"]


def test_whoever_recorded_the_check_does_not_approve_it(loaded, demo):
    manager = demo["svc_manager"]
    improvement = implemented(drafted(loaded, manager), manager)
    with acting_as(manager):
        services.record_check(improvement, manager, True, "有效", today=date(2026, 8, 5))
        workflow.fire(improvement, "request_close", manager)
        with pytest.raises(WorkflowError, match="recorded the effectiveness check cannot approve"):
            workflow.fire(improvement, "close", manager)


def test_the_monthly_report_freezes_the_contracts_open_improvements(loaded, demo):
    from reporting.models import MonthlyServiceReport
    from reporting.services import monthly

    pm = demo["pm"]
    improvement = drafted(loaded, demo["svc_staff"])
    with acting_as(pm):
        report = records.create(MonthlyServiceReport(title="服务月报 2026-07", contract=loaded, year=2026, month=7,
                                                     owner_department=pm.department), pm)
        report = monthly.run_generation(report, pm)
    section = next(s for s in report.snapshot["sections"] if s["key"] == "improvements")
    row = next(r for r in section["rows"] if r[0] == improvement.number)
    assert row[1] == improvement.title and row[-1] == services.baseline_after_text(improvement)
    assert "改进" in [exported.heading for exported in report.export_sections("zh-hans")]


def test_not_effective_reopens_as_a_new_version_or_a_follow_up(loaded, demo):
    from core.extensions import forward_actions
    from improvement import sources

    staff, manager = demo["svc_staff"], demo["svc_manager"]
    improvement = implemented(drafted(loaded, staff), staff)
    with acting_as(staff):
        services.record_check(improvement, staff, False, "未达到目标", today=date(2026, 8, 5))
        workflow.fire(improvement, "request_close", staff)
    with acting_as(manager):
        workflow.fire(improvement, "close", manager, "确认无效")
    improvement.refresh_from_db()
    assert improvement.status == ImprovementStatus.CLOSED and improvement.effective is False

    assert "raise-improvement" in {a.key for a in forward_actions(improvement, staff)}
    follow_up = sources.prefill(improvement)
    assert follow_up["source_kind"] == SourceKind.FOLLOW_UP and follow_up["measure"] == improvement.measure
    assert follow_up["measure_priority"] == "P2" and follow_up["contract"] == loaded

    with acting_as(staff):
        reopened = records.new_version(improvement, staff, comment="新计划")
    assert (reopened.version, reopened.status) == (2, ImprovementStatus.DRAFT)
    assert reopened.baseline_months == improvement.baseline_months and reopened.baseline_value == \
        improvement.baseline_value
    assert reopened.after_months == [] and reopened.effective is None and reopened.implemented_on is None
