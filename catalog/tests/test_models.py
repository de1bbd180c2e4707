"""Model invariants: shifts, targets, tiers (each refused with a message naming what is wrong)."""

from datetime import time

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from core import records
from core.context import acting_as

from ..calendars import parse_years, shift_problems
from ..choices import HolidaySource, Priority
from ..models import Calendar, PriorityTarget, WorkingHours
from ..targets import target_arrays
from . import helpers


def test_overlapping_shift_is_refused_naming_the_other_shift(demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin)
    with acting_as(admin), pytest.raises(ValidationError) as caught:
        records.create(WorkingHours(calendar=cal, weekday=0, start=time(11), end=time(14)), admin)
    message = " ".join(caught.value.messages)
    assert "Monday 11:00–14:00" in message and "Monday 09:00–12:00" in message, message
    assert cal.working_hours.filter(weekday=0).count() == 2  # nothing written


def test_touching_shifts_and_other_weekdays_are_fine(demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin, days=[0])
    with acting_as(admin):
        records.create(WorkingHours(calendar=cal, weekday=0, start=time(12), end=time(13)), admin)
        records.create(WorkingHours(calendar=cal, weekday=5, start=time(11), end=time(14)), admin)
    assert cal.working_hours.count() == 4


def test_shift_may_end_at_midnight_or_the_next_morning_but_not_be_empty(demo):
    admin = demo["admin"]
    cal = helpers.calendar(admin, days=[])
    with acting_as(admin), pytest.raises(ValidationError) as caught:
        records.create(WorkingHours(calendar=cal, weekday=2, start=time(9), end=time(9)), admin)
    assert "must not end when it starts" in " ".join(caught.value.messages)
    with acting_as(admin):
        records.create(WorkingHours(calendar=cal, weekday=2, start=time(18), end=time(0)), admin)
        night = records.create(WorkingHours(calendar=cal, weekday=4, start=time(22), end=time(6)), admin)
    assert night.label() == "Friday 22:00–06:00 (next day)"
    spec = cal.to_spec()
    assert spec.weekly_hours[2] == (("18:00", "24:00"),) and spec.weekly_hours[4] == (("22:00", "06:00"),)
    # Friday's night runs into Saturday morning: a Saturday shift starting before 06:00 overlaps it.
    with acting_as(admin), pytest.raises(ValidationError) as caught:
        records.create(WorkingHours(calendar=cal, weekday=5, start=time(5), end=time(9)), admin)
    assert "Friday 22:00–06:00 (next day)" in " ".join(caught.value.messages)


def test_shift_problems_name_rows():
    problems = shift_problems([("Row 1", 0, 540, 720), ("Row 2", 0, 780, 1080), ("Row 3", 0, 660, 840),
                               ("Row 4", 1, 600, 600)])
    assert any("Row 3 (Monday 11:00–14:00) overlaps Row 1 (Monday 09:00–12:00)" in p for p in problems), problems
    assert any(p.startswith("Row 4 (Tuesday 10:00–10:00)") for p in problems), problems
    # Overnight shifts: one row, checked against the next day's shifts and Sunday's night against Monday.
    night = shift_problems([("Row 1", 0, 1320, 360), ("Row 2", 1, 300, 540), ("Row 3", 6, 1380, 60),
                            ("Row 4", 0, 0, 120), ("Row 5", 2, 1320, 360), ("Row 6", 3, 360, 720)])
    assert any("Row 2 (Tuesday 05:00–09:00) overlaps Row 1 (Monday 22:00–06:00 (next day))" in p
               for p in night), night
    assert any("Row 3 (Sunday 23:00–01:00 (next day))" in p and "Row 4 (Monday 00:00–02:00)" in p
               for p in night), night
    assert len(night) == 2, night  # Wednesday's night ending 06:00 touches Thursday 06:00: fine


def test_unknown_time_zone_is_refused(demo):
    admin = demo["admin"]
    with acting_as(admin), pytest.raises(ValidationError) as caught:
        records.create(Calendar(name="坏时区", time_zone="Mars/Olympus"), admin)
    assert "time_zone" in caught.value.message_dict


def test_resolution_target_cannot_be_shorter_than_response(demo):
    svc = helpers.service(demo["admin"])
    window = Calendar.objects.get(name="7x24")
    t = helpers.tier(demo["svc_staff"], svc, window, targets={})
    with acting_as(demo["svc_staff"]), pytest.raises(ValidationError) as caught:
        records.create(PriorityTarget(tier=t, priority=Priority.P1, response_minutes=60, resolution_minutes=30),
                       demo["svc_staff"])
    assert "cannot be shorter than the response target" in " ".join(caught.value.messages)


def test_rows_of_an_approved_tier_are_frozen(demo):
    svc = helpers.service(demo["admin"])
    t = helpers.approve(helpers.tier(demo["svc_staff"], svc, Calendar.objects.get(name="7x24")),
                        demo["svc_staff"], demo["svc_manager"])
    row = t.priority_targets.get(priority=Priority.P1)
    before = {"response_minutes": row.response_minutes}
    row.response_minutes = 1
    with acting_as(demo["svc_staff"]), pytest.raises(ValidationError) as caught:
        records.update(row, demo["svc_staff"], before)
    assert "start a new version" in " ".join(caught.value.messages)


def test_submit_needs_every_priority(demo):
    from core.workflow import WorkflowError, fire

    svc = helpers.service(demo["admin"])
    t = helpers.tier(demo["svc_staff"], svc, Calendar.objects.get(name="7x24"),
                     targets={Priority.P1: (15, 60, 99)})
    with acting_as(demo["svc_staff"]), pytest.raises(WorkflowError) as caught:
        fire(t, "submit", demo["svc_staff"])
    assert "P1–P4" in " ".join(caught.value.messages)


def test_tier_title_is_derived_and_names_are_unique_per_service(demo):
    svc = helpers.service(demo["admin"])
    window = Calendar.objects.get(name="7x24")
    t = helpers.tier(demo["svc_staff"], svc, window, name="银")
    assert t.title == f"{svc.name} · 银"
    with pytest.raises(ValidationError) as caught:
        helpers.tier(demo["svc_staff"], svc, window, name="银")
    assert "name" in caught.value.message_dict


def test_missing_years_depend_on_the_holiday_source(demo):
    cal = Calendar(name="x", holiday_source=HolidaySource.CHINA, holiday_years=[2025, 2026])
    assert cal.missing_years([2024, 2025, 2027]) == [2024, 2027]
    assert Calendar(name="y", always_open=True).missing_years([2027]) == []
    assert Calendar(name="z", holiday_source=HolidaySource.NONE).missing_years([2027]) == []


def test_parse_years():
    assert parse_years("2024-2027") == [2024, 2025, 2026, 2027]
    assert parse_years("2026, 2024") == [2024, 2026]
    assert parse_years("") == []
    with pytest.raises(ValueError):
        parse_years("2027-2024")


def test_target_arrays_feed_the_engine(demo):
    tier = demo_tier("金")
    response, resolution = target_arrays(tier, np.array(["P1", "P4", "P9"]))
    assert response.tolist() == [15 * 60, 480 * 60, -1]
    assert resolution.tolist() == [240 * 60, 4320 * 60, -1]
    assert tier.targets()["P2"].target_percent == 98.0


def demo_tier(name, service="server"):
    from ..models import ServiceTier

    return ServiceTier.objects.in_force().get(service__code=service, name=name)
