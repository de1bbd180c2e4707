"""SLA service: per-ticket clocks, period figures (hand-computed), availability, recompute, warnings.

Contract under test: the demo 宁波第一医院 contract, tier 桌面运维 · 银 (targets in business minutes:
P1 response 30 / resolution 480, P2 60 / 960, P3 240 / 2400, P4 480 / 4800), business calendar and service
window both "5x8 北京": Monday-Friday 09:00-12:00 and 13:00-18:00 Asia/Shanghai (8 business hours a day),
China holidays. March 2026 has no holiday and no adjusted workday (checked below), 22 weekdays.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from catalog import calendars
from catalog.choices import DayKind
from catalog.models import Calendar, CalendarDay
from core import records
from core.choices import AuditAction
from core.context import acting_as
from core.models import AuditEntry
from servicedata import sla
from servicedata.models import MaintenanceWindow, Outage, Ticket

from .helpers import import_records

BJ = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def at(day, hh, mm=0):
    return datetime(2026, 3, day, hh, mm, tzinfo=BJ)


# Six tickets, business durations worked out by hand (09-12 and 13-18 on weekdays):
TICKETS = [
    # 1. P1 Mon 03-02 09:00, responded 09:20 (20 min <= 30), resolved 15:00 (3 h + 2 h = 300 min <= 480).
    {"external_id": "T1", "priority": "P1", "created": "2026-03-02 09:00", "first_response": "2026-03-02 09:20",
     "resolved": "2026-03-02 15:00"},
    # 2. P1 Mon 11:50, responded 13:15 (10 + 15 = 25 min, lunch not counted), resolved Tue 11:00
    #    (10 + 300 + 120 = 430 min <= 480).
    {"external_id": "T2", "priority": "P1", "created": "2026-03-02 11:50", "first_response": "2026-03-02 13:15",
     "resolved": "2026-03-03 11:00"},
    # 3. P1 Wed 03-04 17:50, responded Thu 09:30 (10 + 30 = 40 min > 30: breached), resolved Thu 14:00
    #    (10 + 180 + 60 = 250 min <= 480).
    {"external_id": "T3", "priority": "P1", "created": "2026-03-04 17:50", "first_response": "2026-03-05 09:30",
     "resolved": "2026-03-05 14:00"},
    # 4. P2 Mon 03-09 10:00, responded 10:30 (30 <= 60); resolved Thu 03-12 10:00 = 7 + 8 + 8 + 1 = 24 h
    #    = 1440 min, but waiting on the customer Tue 09:00 - Wed 18:00 (16 h): 480 min <= 960, within target.
    {"external_id": "T4", "priority": "P2", "created": "2026-03-09 10:00", "first_response": "2026-03-09 10:30",
     "resolved": "2026-03-12 10:00", "pauses": "2026-03-10 09:00/2026-03-11 18:00"},
    # 5. P3 Mon 03-16 09:00, never responded, never resolved: response due 14:00 (180 + 60 = 240 min),
    #    resolution due Fri 03-20 18:00 (5 x 8 h = 2400 min): open past target, breached on both clocks in March.
    {"external_id": "T5", "priority": "P3", "created": "2026-03-16 09:00"},
    # 6. P3 Tue 03-31 17:00, responded Wed 04-01 09:30 (60 + 30 = 90 min): decided in April, not counted in March.
    {"external_id": "T6", "priority": "P3", "created": "2026-03-31 17:00", "first_response": "2026-04-01 09:30"},
]


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


@pytest.fixture
def loaded(contract, demo):
    result = import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    assert not result.rejected, result.errors
    return {t.external_id: t for t in Ticket.objects.all()}


def test_march_2026_is_a_plain_month():
    for day in range(1, 32):
        d = date(2026, 3, day)
        assert chinese_calendar.is_workday(d) == (d.weekday() < 5)


def test_ticket_clocks_are_hand_computed_values(loaded):
    t1, t2, t3, t4, t5 = (loaded[k] for k in ("T1", "T2", "T3", "T4", "T5"))
    assert (t1.response_seconds, t1.resolution_seconds) == (20 * 60, 300 * 60)
    assert (t2.response_seconds, t2.resolution_seconds) == (25 * 60, 430 * 60)
    assert (t3.response_seconds, t3.response_breached, t3.response_met) == (40 * 60, True, False)
    assert t3.response_due == at(5, 9, 20)  # 10 min Wed + 20 min Thu
    assert t3.response_decided == t3.response_due  # a late response counts when its target passed
    assert (t4.resolution_seconds, t4.resolution_met) == (480 * 60, True)
    # 960 min from Mon 10:00: Mon 7 h, Tue and Wed paused, Thu 8 h, Fri 09:00-10:00 the last hour.
    assert t4.resolution_due == at(13, 10)
    assert (t5.response_seconds, t5.response_due, t5.response_met) == (None, at(16, 14), False)
    assert t5.resolution_due == at(20, 18)
    for ticket in loaded.values():
        assert ticket.calendar_version_id and ticket.sla_version_id and ticket.computed_at


def test_achievement_per_priority_and_overall(loaded, contract):
    m = sla.period_metrics(contract, 2026, 3)
    response = {f.priority: (f.within, f.counted) for f in m.response}
    resolution = {f.priority: (f.within, f.counted) for f in m.resolution}
    # Response: P1 T1, T2 within, T3 late; P2 T4 within; P3 T5 open past target; T6 decided in April.
    assert response == {"P1": (2, 3), "P2": (1, 1), "P3": (0, 1), "P4": (0, 0)}
    assert (m.response_overall.within, m.response_overall.counted) == (3, 5)
    assert m.response_overall.percent == pytest.approx(60.0)
    # Resolution: P1 all three within 480 min; P2 T4 within thanks to its pause; P3 T5 open past its due.
    assert resolution == {"P1": (3, 3), "P2": (1, 1), "P3": (0, 1), "P4": (0, 0)}
    assert m.resolution_overall.percent == pytest.approx(80.0)
    p1 = m.response[0]
    assert p1.percent == pytest.approx(200 / 3) and p1.target_percent == 95.0 and p1.met is False
    assert m.resolution[0].met is True and m.response[3].met is None  # nothing counted for P4
    assert m.volume == 6 and m.volume_by_priority == {"P1": 3, "P2": 1, "P3": 2}
    assert m.pending == 0 and m.missing_holiday_years == () and not m.warnings
    april = sla.period_metrics(contract, 2026, 4)
    assert {f.priority: f.counted for f in april.response}["P3"] == 1  # T6


def test_open_past_target_counts_as_breached_once_the_target_passes(loaded, contract):
    t5 = loaded["T5"]
    before_due = sla.period_metrics(contract, 2026, 3, as_of=at(16, 13, 59))
    assert {f.priority: f.counted for f in before_due.response}["P3"] == 0  # still within target then
    after_due = sla.period_metrics(contract, 2026, 3, as_of=at(16, 14, 1))
    p3 = {f.priority: f for f in after_due.response}["P3"]
    assert (p3.within, p3.counted, p3.breached) == (0, 1, 1)
    assert t5.first_response is None and t5.status == "new"


def test_availability_with_announced_and_unannounced_maintenance(contract, demo):
    """Agreed service time in March 2026: 22 weekdays x 8 h = 176 h = 633 600 s.

    * unplanned outage Tue 03-03 10:00-11:00: 1 h downtime;
    * unplanned outage Tue 03-03 20:00-22:00: outside the service window, 0 downtime (still a failure);
    * planned outage Wed 03-11 16:30-17:30, announced Mon 03-09, inside the window announced for 16:00-18:00:
      excused, 0 downtime (1 h excused);
    * planned outage Thu 03-19 14:00-15:00 in a window never announced: 1 h downtime;
    * planned outage Wed 03-25 09:30-10:30, announced, window 09:00-10:00: 30 min excused, 30 min downtime.
    Downtime 2.5 h = 9 000 s; availability = (633 600 - 9 000) / 633 600 = 98.579545...%.
    MTTR/MTBF count the four outages that are not wholly excused (1 h + 2 h + 1 h + 1 h = 5 h = 18 000 s):
    MTTR = 18 000 / 4 = 4 500 s; MTBF = (31 x 86 400 - 18 000) / 4 = 665 100 s.
    """
    user = demo["svc_staff"]
    with acting_as(user):
        for start, end, planned, announced in [
                (at(3, 10), at(3, 11), False, None), (at(3, 20), at(3, 22), False, None),
                (at(11, 16, 30), at(11, 17, 30), True, at(9, 10)), (at(19, 14), at(19, 15), True, None),
                (at(25, 9, 30), at(25, 10, 30), True, at(20, 10))]:
            records.create(Outage(contract=contract, start=start, end=end, planned=planned, announced_at=announced),
                           user)
        for start, end, announced in [(at(11, 16), at(11, 18), at(9, 10)), (at(19, 14), at(19, 16), None),
                                      (at(25, 9), at(25, 10), at(20, 10))]:
            records.create(MaintenanceWindow(contract=contract, start=start, end=end, announced_at=announced), user)
    m = sla.period_metrics(contract, 2026, 3)
    assert m.agreed_seconds == 22 * 8 * HOUR == 633_600
    assert (m.downtime_seconds, m.excused_seconds) == (9_000, 5_400)
    assert m.availability_percent == pytest.approx((633_600 - 9_000) / 633_600 * 100)
    assert m.availability_target == 99.9 and m.availability_met is False
    assert (m.outages, m.outage_seconds) == (4, 18_000)
    assert m.mttr_seconds == 4_500 and m.mtbf_seconds == (31 * 86_400 - 18_000) / 4


def test_recompute_is_explicit_and_audited(loaded, contract, demo):
    t3 = loaded["T3"]
    old_version = t3.calendar_version_id
    calendar = Calendar.objects.get(pk=contract.calendar_id)
    admin = demo["admin"]
    with acting_as(admin):  # Thursday 03-05 becomes a holiday (say, a local closure)
        records.create(CalendarDay(calendar=calendar, date=date(2026, 3, 5), kind=DayKind.HOLIDAY, name="停电"), admin)
        new_version = calendars.record_version(calendar, admin, "closure")
    # Never silent: a re-import of unchanged data does not re-measure anything.
    import_records(contract, demo["svc_staff"], TICKETS, external_system="itsm")
    t3.refresh_from_db()
    assert t3.calendar_version_id == old_version and t3.response_seconds == 40 * 60

    result = sla.recompute(contract, demo["svc_manager"], comment="closure on 03-05")
    assert result.tickets == 6 and result.calendar_version_id == new_version.pk
    t3.refresh_from_db()
    # Wed 17:50-18:00 counts 10 min; Thursday, when the response came at 09:30, is now closed.
    assert t3.calendar_version_id == new_version.pk and t3.response_seconds == 10 * 60
    entry = AuditEntry.objects.filter(action=AuditAction.BULK, object_id=str(contract.pk)).latest("seq")
    assert entry.user == demo["svc_manager"] and entry.changes["tickets"] == 6
    assert entry.changes["calendar_versions"] == [[old_version], [new_version.pk]]
    assert entry.comment == "closure on 03-05"


def test_missing_holiday_year_warning(contracts):
    contract = contracts["hzbank"]  # 5x8 北京: chinese-calendar 1.11 has no 2027
    m = sla.period_metrics(contract, 2027, 1)
    assert m.missing_holiday_years == (2027,)
    assert any("2027" in w for w in m.warnings)
    assert sla.period_metrics(contract, 2026, 6).missing_holiday_years == ()


def test_monthly_trend(loaded, contract):
    points = sla.monthly_trend(contract, 2026, 4, months=3)
    assert [p.label for p in points] == ["2026-02", "2026-03", "2026-04"]
    march = points[1]
    assert march.response_percent == pytest.approx(60.0) and march.resolution_percent == pytest.approx(80.0)
    assert march.volume == 6 and points[0].response_percent is None
    assert march.availability_percent == 100.0


def test_metrics_as_dict_is_json_ready(loaded, contract):
    import json

    data = sla.period_metrics(contract, 2026, 3).as_dict()
    assert json.loads(json.dumps(data))["response_overall"]["percent"] == pytest.approx(60.0)


def test_day_boundaries_in_the_calendar_zone(contract):
    start, end = sla.month_bounds(2026, 3, BJ)
    assert start == datetime.combine(date(2026, 3, 1), time(), BJ) and end.month == 4


def test_figures_per_service(loaded, contract):
    from catalog.models import Service

    own = contract.service_tier.service
    assert sla.period_metrics(contract, 2026, 3, service=own).response_overall.counted == 5
    other = Service.objects.exclude(pk=own.pk).first()
    assert sla.period_metrics(contract, 2026, 3, service=other).response_overall.counted == 0


def test_generator_is_deterministic_and_realistic(contract, demo):
    from collections import Counter

    from servicedata.generator import generate_tickets, outage_plan

    end = datetime(2026, 10, 1, tzinfo=BJ)
    first = list(generate_tickets(contract, 2000, seed=7, months=3, end=end))
    assert first == list(generate_tickets(contract, 2000, seed=7, months=3, end=end))
    assert first != list(generate_tickets(contract, 2000, seed=8, months=3, end=end))
    priorities = Counter(r["priority"] for r in first)
    assert priorities["P1"] < priorities["P2"] < priorities["P4"] < priorities["P3"]
    in_hours = sum(1 for r in first if 9 <= int(r["created"][11:13]) < 18
                   and datetime.fromisoformat(r["created"]).weekday() < 5)
    assert in_hours > 0.8 * len(first)  # 5x8 calendar: arrivals in business hours
    assert 100 < sum(1 for r in first if r["pauses"]) < 300
    result = import_records(contract, demo["svc_staff"], first, external_system="gen")
    assert not result.rejected and result.created == 2000
    m = sla.period_metrics(contract, 2026, 8)
    assert 80 < m.response_overall.percent < 100 and m.response_overall.breached > 0  # mostly met, some breaches
    outages, windows = outage_plan(contract, seed=7, months=3, end=end)
    assert outages and windows and any(w["announced_at"] is None for w in windows)
