"""The SLA rollup (servicedata.sla.rollup): equal to a from-scratch count of the tickets after any sequence of
imports, re-imports, edits and recomputes; the figures read it; the dashboard's queries do not grow with tickets.

The reference is the grouped count the figures made before the rollup existed (TruncMonth in the contract
calendar's zone over the tickets table), kept here on purpose: it shares no code with the rollup.
"""

from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.choices import Priority
from catalog.models import Service
from core.context import acting_as
from servicedata import sla
from servicedata.models import SlaMonth, Ticket
from servicedata.sla import rollup

from .helpers import import_records

IDS = [f"R{i}" for i in range(8)]
MINUTE = 60


@pytest.fixture
def contract(contracts):
    return contracts["nbhospital"]


def reference(contract) -> Counter:
    """{(service_id, year, month, priority, measure): count} straight from the tickets, the pre-rollup way."""
    zone = sla.contract_zone(contract)
    tickets = Ticket.objects.filter(contract_id__in=sla.contract_ids(contract))
    out = Counter()
    for measure, column, met in (("created", "created", None), ("response", "response_decided", "response_met"),
                                 ("resolution", "resolution_decided", "resolution_met")):
        annotations = {"counted": Count("pk")}
        if met:
            annotations["within"] = Count("pk", filter=Q(**{met: True}))
        rows = tickets.filter(**{f"{column}__isnull": False}).annotate(m=TruncMonth(column, tzinfo=zone)) \
            .values("m", "service_id", "priority").annotate(**annotations).order_by()
        for row in rows:
            key = (row["service_id"], row["m"].year, row["m"].month, row["priority"])
            out[(*key, f"{measure}_counted" if met else measure)] += row["counted"]
            if met:
                out[(*key, f"{measure}_within")] += row["within"]
    return +out


def stored(contract) -> Counter:
    out = Counter()
    for row in SlaMonth.objects.filter(contract_id__in=sla.contract_ids(contract)).values():
        key = (row["service_id"], row["year"], row["month"], row["priority"])
        for measure in ("created", "response_counted", "response_within", "resolution_counted",
                        "resolution_within"):
            out[(*key, measure)] += row[measure]
    return +out


def old_figures(contract, year, month, now):
    """period_metrics' achievement and volume as it counted them from the tickets table (decided before `now`)."""
    zone = sla.contract_zone(contract)
    start, end = sla.month_bounds(year, month, zone)
    cutoff = max(min(now, end), start)
    tickets = Ticket.objects.filter(contract_id__in=sla.contract_ids(contract))
    figures = {}
    for clock in ("response", "resolution"):
        rows = tickets.filter(**{f"{clock}_decided__gte": start, f"{clock}_decided__lt": cutoff}) \
            .values("priority").annotate(n=Count("pk"), w=Count("pk", filter=Q(**{f"{clock}_met": True}))) \
            .order_by()
        figures[clock] = {row["priority"]: (row["w"], row["n"]) for row in rows}
    figures["volume"] = dict(tickets.filter(created__gte=start, created__lt=end).values_list("priority")
                             .annotate(n=Count("pk")).order_by())
    return figures


def new_figures(metrics):
    figures = {clock: {f.priority: (f.within, f.counted) for f in getattr(metrics, clock) if f.counted}
               for clock in ("response", "resolution")}
    figures["volume"] = metrics.volume_by_priority
    return figures


# ---- the property ----------------------------------------------------------------------------------

NOW = timezone.now().replace(second=0, microsecond=0)
SPAN_MINUTES = 150 * 24 * 60  # tickets created over the last five months: closed months and the open one

ticket = st.fixed_dictionaries({
    "external_id": st.sampled_from(IDS),
    "priority": st.sampled_from(Priority.values),
    "created_ago": st.integers(min_value=60, max_value=SPAN_MINUTES),
    "response_after": st.none() | st.integers(min_value=0, max_value=3 * 24 * 60),
    "resolved_after": st.none() | st.integers(min_value=0, max_value=12 * 24 * 60),
    "service": st.integers(min_value=0, max_value=2),
    "pause": st.booleans(),
})
step = st.one_of(
    st.tuples(st.just("import"), st.lists(ticket, min_size=1, max_size=6)),
    st.tuples(st.just("reimport"), st.none()),
    st.tuples(st.just("recompute"), st.sampled_from([0.5, 2.0])),
)


def _record(spec, zone, services):
    created = NOW - timedelta(minutes=spec["created_ago"])

    def local(instant):
        return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    record = {"external_id": spec["external_id"], "priority": spec["priority"], "created": local(created),
              "service": services[spec["service"]], "status": "new"}
    responded = resolved = None
    if spec["response_after"] is not None:
        responded = min(created + timedelta(minutes=spec["response_after"]), NOW)
        record.update(first_response=local(responded), status="in_progress")
    if spec["resolved_after"] is not None:
        resolved = min(created + timedelta(minutes=spec["resolved_after"]), NOW)
        if responded is not None and resolved < responded:
            resolved = responded
        record.update(resolved=local(resolved), status="resolved")
    if spec["pause"]:
        pause_start = created + timedelta(minutes=30)
        pause_end = pause_start + timedelta(hours=20)
        if (resolved is None or pause_end <= resolved) and pause_end < NOW:
            record["pauses"] = f"{local(pause_start)}/{local(pause_end)}"
    return record


def _scale_targets(contract, factor):
    """A new SLA: every priority's response and resolution target scaled (then `recompute` re-measures)."""
    today = timezone.localdate()
    targets = sla.sla_for(contract, today).priority_targets
    if factor > 1:
        targets.update(response_minutes=F("response_minutes") * 2, resolution_minutes=F("resolution_minutes") * 2)
    else:
        targets.update(response_minutes=F("response_minutes") / 2, resolution_minutes=F("resolution_minutes") / 2)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=5))
def test_rollup_equals_a_count_from_scratch(contract, demo, steps):
    user = demo["svc_staff"]
    zone = sla.contract_zone(contract)
    services = ["", *Service.objects.order_by("pk").values_list("code", flat=True)[:2]]
    with transaction.atomic():
        # Each example starts from the contract without tickets, and is rolled back at its end.
        Ticket.objects.filter(contract_id__in=sla.contract_ids(contract)).delete()
        rollup.refresh_contract(contract)
        last = []
        for kind, arg in steps:
            if kind == "import":
                by_id = {spec["external_id"]: _record(spec, zone, services) for spec in arg}
                last = list(by_id.values())
                result = import_records(contract, user, last, external_system="itsm")
                assert not result.rejected, result.errors
            elif kind == "reimport":
                result = import_records(contract, user, last, external_system="itsm")
                assert not result.rejected, result.errors
                assert result.created == 0 and result.updated == 0
            else:
                _scale_targets(contract, arg)
                with acting_as(demo["admin"]):
                    sla.recompute(contract, demo["admin"])
            assert stored(contract) == reference(contract), kind
        now = timezone.now()
        for year, month in sla.last_months(NOW.astimezone(zone).year, NOW.astimezone(zone).month, 6):
            assert new_figures(sla.period_metrics(contract, year, month)) == old_figures(contract, year, month, now)
        transaction.set_rollback(True)


# ---- the figures read it -----------------------------------------------------------------------------

def test_refresh_from_a_month_keeps_earlier_months(contract, demo):
    records = [{"external_id": "A", "priority": "P2", "created": "2026-03-02 10:00",
                "first_response": "2026-03-02 10:30", "resolved": "2026-03-03 10:00"},
               {"external_id": "B", "priority": "P3", "created": "2026-05-04 10:00"}]
    import_records(contract, demo["svc_staff"], records, external_system="itsm")
    assert stored(contract) == reference(contract)
    march = SlaMonth.objects.get(contract=contract, year=2026, month=3)
    Ticket.objects.filter(external_id="B").update(priority="P1")  # a write that did not refresh (yet)
    assert rollup.refresh(contract.pk, since=datetime(2026, 5, 1, tzinfo=sla.contract_zone(contract))) >= 1
    assert SlaMonth.objects.get(pk=march.pk).refreshed_at == march.refreshed_at  # March untouched
    assert stored(contract) == reference(contract)


def test_refresh_command_rebuilds_the_rollup(contract, demo):
    import_records(contract, demo["svc_staff"], [{"external_id": "C", "priority": "P1",
                                                   "created": "2026-04-01 09:00"}], external_system="itsm")
    SlaMonth.objects.all().delete()
    call_command("refresh_sla_rollup", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored(contract) == reference(contract) != Counter()


def test_trend_and_service_figures_come_from_the_rollup(contract, demo):
    import_records(contract, demo["svc_staff"], [
        {"external_id": "S2", "priority": "P1", "created": "2026-03-02 09:00", "first_response": "2026-03-02 11:00"},
    ], external_system="itsm")
    default = Ticket.objects.get(external_id="S2").service_id  # the contract's own service, when none is given
    service = Service.objects.exclude(pk=default).order_by("pk").first()
    import_records(contract, demo["svc_staff"], [
        {"external_id": "S1", "priority": "P1", "created": "2026-03-02 09:00", "first_response": "2026-03-02 09:10",
         "service": service.code},
    ], external_system="itsm")
    trend = {(p.year, p.month): p for p in sla.monthly_trend(contract, 2026, 4, months=3)}
    assert trend[(2026, 3)].volume == 2 and trend[(2026, 3)].response_percent == 50.0
    assert not trend[(2026, 2)].has_data
    per_service = sla.period_metrics(contract, 2026, 3, service=service)
    assert per_service.volume == 1 and per_service.response_overall.within == 1
    # With the tickets table emptied behind the rollup's back, the figures still show the rollup's counts:
    # the page reads nothing else.
    Ticket.objects.filter(contract=contract).delete()
    assert sla.period_metrics(contract, 2026, 3).volume == 2


def test_rows_of_another_zone_are_not_mixed_in(contract, demo):
    import_records(contract, demo["svc_staff"], [{"external_id": "Z", "priority": "P1",
                                                   "created": "2026-03-31 23:30"}], external_system="itsm")
    assert sla.period_metrics(contract, 2026, 3).volume == 1
    # Rows bucketed in another zone (a calendar changed without a refresh) are not read: the months are counted
    # from the tickets instead (the rows' counts, made wrong here, do not show).
    SlaMonth.objects.filter(contract=contract).update(zone="UTC", created=5)
    assert sla.period_metrics(contract, 2026, 3).volume == 1
    assert sla.period_metrics(contract, 2026, 4).volume == 0


def test_closed_month_inputs_are_cached_until_an_outage_changes(contract, demo):
    from django.core.cache import cache

    from servicedata.models import Outage

    cache.clear()
    zone = sla.contract_zone(contract)
    before = sla.period_metrics(contract, 2026, 3)
    version = rollup.inputs_version()
    with CaptureQueriesContext(connection) as cached:
        assert sla.period_metrics(contract, 2026, 3) == before
    Outage.objects.create(contract=contract, start=datetime(2026, 3, 3, 10, tzinfo=zone),
                          end=datetime(2026, 3, 3, 12, tzinfo=zone), description="test")
    assert rollup.inputs_version() != version
    after = sla.period_metrics(contract, 2026, 3)
    assert after.outages == before.outages + 1 and after.downtime_seconds > before.downtime_seconds
    with CaptureQueriesContext(connection) as uncached:
        cache.clear()
        sla.period_metrics(contract, 2026, 3)
    assert len(cached.captured_queries) < len(uncached.captured_queries)


def test_pending_tickets_are_warned_about(contract, demo):
    import_records(contract, demo["svc_staff"], [{"external_id": "P", "priority": "P1",
                                                   "created": "2026-03-02 09:00"}], external_system="itsm",
                   compute=False)
    metrics = sla.period_metrics(contract, 2026, 3)
    assert metrics.pending == 1 and any("no SLA clocks" in w for w in metrics.warnings)


# ---- flat in the number of tickets ----------------------------------------------------------------------

def _tickets(n, offset=0):
    start = timezone.now() - timedelta(days=300)
    zone = timezone.get_fixed_timezone(8 * 60)
    rows = []
    for i in range(n):
        created = (start + timedelta(hours=7200 * i / n)).astimezone(zone)  # spread over the same 300 days
        rows.append({"external_id": f"Q{offset + i}", "priority": Priority.values[i % 4],
                     "created": created.strftime("%Y-%m-%d %H:%M"),
                     "first_response": (created + timedelta(minutes=20 + i % 90)).strftime("%Y-%m-%d %H:%M")})
    return rows


def _queries(client, url, months):
    counts = []
    for month in months:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"month": month}).status_code == 200
        counts.append(len(queries.captured_queries))
    return counts


def test_dashboard_and_trend_queries_do_not_grow_with_tickets(contract, demo, client):
    client.force_login(demo["admin"])
    url = reverse("servicedata:sla_dashboard", args=[contract.pk])
    zone = sla.contract_zone(contract)
    today = timezone.now().astimezone(zone)
    closed = sla.last_months(today.year, today.month, 4)[0]
    months = [f"{today:%Y-%m}", f"{closed[0]}-{closed[1]:02d}"]  # the month in progress and a closed one
    import_records(contract, demo["svc_staff"], _tickets(10), external_system="itsm", time_zone="Asia/Shanghai")
    _queries(client, url, months)  # caches warmed alike for both counts
    small_page = _queries(client, url, months)
    with CaptureQueriesContext(connection) as small_trend:
        sla.monthly_trend(contract, today.year, today.month)
    import_records(contract, demo["svc_staff"], _tickets(190, offset=10), external_system="itsm",
                   time_zone="Asia/Shanghai")
    assert Ticket.objects.filter(contract=contract).count() == 200
    large_page = _queries(client, url, months)
    with CaptureQueriesContext(connection) as large_trend:
        sla.monthly_trend(contract, today.year, today.month)
    assert small_page == large_page
    assert len(small_trend.captured_queries) == len(large_trend.captured_queries)


def test_sqlite_figures_call_no_python_function_per_row(contract, demo):
    """The rollup is built and read with plain comparisons: on SQLite no user function (django_datetime_*), which
    would call Python for every row."""
    import_records(contract, demo["svc_staff"], _tickets(20), external_system="itsm", time_zone="Asia/Shanghai")
    with CaptureQueriesContext(connection) as queries:
        rollup.refresh_contract(contract)
        today = timezone.now().astimezone(sla.contract_zone(contract))
        sla.monthly_trend(contract, today.year, today.month)
        sla.period_metrics(contract, today.year, today.month)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "django_datetime" not in sql and "django_date_trunc" not in sql and "django_format_dtdelta" not in sql
    assert "DATE_TRUNC" not in sql.upper()  # nor, on PostgreSQL, a truncation per row
