"""Rows for catalogue tests, made through the same services the app uses."""

from datetime import time

from core import records, workflow
from core.context import acting_as

from ..choices import HolidaySource, Priority
from ..models import Calendar, PriorityTarget, Service, ServiceFamily, ServiceTier, WorkingHours

TARGETS = {Priority.P1: (30, 240, 95), Priority.P2: (60, 480, 95), Priority.P3: (240, 1440, 90),
           Priority.P4: (480, 2880, 90)}


def calendar(admin, name="测试 5x8", shifts=((time(9), time(12)), (time(13), time(18))), days=range(5), **fields):
    fields.setdefault("holiday_source", HolidaySource.MANUAL)
    with acting_as(admin):
        cal = records.create(Calendar(name=name, time_zone="Asia/Shanghai", **fields), admin)
        for weekday in days:
            for start, end in shifts:
                records.create(WorkingHours(calendar=cal, weekday=weekday, start=start, end=end), admin)
    return cal


def service(admin, code="svc-test", owner=None):
    with acting_as(admin):
        family = ServiceFamily.objects.filter(code="fam-test").first() or records.create(
            ServiceFamily(code="fam-test", name="测试服务族"), admin)
        return records.create(Service(family=family, code=code, name=f"服务 {code}", owner=owner or admin), admin)


def tier(author, svc, window, name="金", targets=TARGETS):
    with acting_as(author):
        t = records.create(ServiceTier(service=svc, name=name, owner_department=author.department,
                                       service_window=window, availability_target="99.9"), author)
        for priority, (response, resolution, percent) in targets.items():
            records.create(PriorityTarget(tier=t, priority=priority, response_minutes=response,
                                          resolution_minutes=resolution, target_percent=percent), author)
    return t


def approve(t, author, approver):
    with acting_as(author):
        workflow.fire(t, "submit", author, "提交")
    with acting_as(approver):
        workflow.fire(t, "approve", approver, "同意")
    t.refresh_from_db()
    return t


def day(admin, cal, on, kind, name="", hours=""):
    """A day entered by hand through the service the pages use (audited, a new calendar version)."""
    from ..calendars import save_day
    from ..models import CalendarDay

    with acting_as(admin):
        return save_day(CalendarDay(calendar=cal, date=on, kind=kind, name=name, hours=hours), admin)
