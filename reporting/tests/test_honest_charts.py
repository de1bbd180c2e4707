"""Issue 11, honest charts: a month without service data is a gap in the chart data (web page and exported
figure alike), percent axes fit the data and the targets, and the category tables add up to the tickets."""

import json
import re
from datetime import datetime

import pytest

from reporting.figures import category_rows, percent_axis_floor, problem_rows
from servicedata import sla
from servicedata.models import Outage, Ticket

from .helpers import BJ, generated_report, load_month

pytestmark = pytest.mark.django_db


def chart_json(html, element_id):
    return json.loads(re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)[1])


def months_without_data(contract, labels):
    """The months (YYYY-MM) in which no ticket was created or decided and no outage was recorded."""
    empty = []
    ids = sla.contract_ids(contract)
    for label in labels:
        year, month = map(int, label.split("-"))
        start = datetime(year, month, 1, tzinfo=BJ)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BJ)
        tickets = Ticket.objects.filter(contract_id__in=ids)
        if not (tickets.filter(created__gte=start, created__lt=end).exists()
                or tickets.filter(resolution_decided__gte=start, resolution_decided__lt=end).exists()
                or tickets.filter(response_decided__gte=start, response_decided__lt=end).exists()
                or Outage.objects.filter(contract_id__in=ids, start__lt=end, end__gt=start).exists()):
            empty.append(label)
    return empty


def test_a_month_without_data_is_a_gap_in_the_report_and_its_charts(contract, demo, client_for):
    load_month(contract, demo["svc_staff"])
    report = generated_report(contract, demo)
    trend = report.snapshot["trend"]
    labels = [p["label"] for p in trend]
    empty = months_without_data(contract, labels)
    assert empty, "the seeded window must contain a month without service data"
    assert "2026-03" not in empty
    for point in trend:
        if point["label"] in empty:
            assert point["availability"] is None and point["volume"] is None, point
        else:
            assert point["volume"] is not None
    assert next(p for p in trend if p["label"] == "2026-03")["availability"] is not None

    html = client_for("pm").get(report.get_absolute_url()).content.decode()
    chart = chart_json(html, "report-chart-data")
    for index, label in enumerate(chart["trend"]["labels"]):
        if label in empty:
            assert chart["trend"]["availability"][index] is None and chart["trend"]["volume"][index] is None
    # The percent axis fits the data and the target instead of 0–100 %.
    shown = [v for key in ("response", "resolution", "availability") for v in chart["trend"][key] if v is not None]
    target = chart["trend"]["availability_target"]
    assert chart["trend"]["floor"] <= min([*shown, *([target] if target is not None else [])])
    assert chart["trend"]["floor"] == percent_axis_floor([*shown, target])
    assert set(chart["titles"]) == {"priority", "categories", "trend"} and all(chart["titles"].values())


def test_the_sla_dashboard_leaves_months_without_data_empty(contract, demo, client_for):
    load_month(contract, demo["svc_staff"])
    html = client_for("svc_manager").get(f"/servicedata/contract/{contract.pk}/sla/?month=2026-03").content.decode()
    chart = chart_json(html, "sla-chart-data")
    empty = months_without_data(contract, chart["trend"]["labels"])
    assert empty
    for index, label in enumerate(chart["trend"]["labels"]):
        if label in empty:
            assert chart["trend"]["availability"][index] is None, label
    assert all(chart["titles"].values()) and chart["gauge_floor"] <= min(
        v for v in (chart["availability"], chart["availability_target"]) if v is not None)


def test_the_category_and_problem_tables_add_up_to_the_tickets(contract, demo, client_for):
    load_month(contract, demo["svc_staff"])
    ids = sla.contract_ids(contract)
    # Tickets without a category (and many categories) must still be counted, not dropped.
    Ticket.objects.filter(contract_id__in=ids, external_id__in=["R001", "R002", "R003"]).update(category="")
    for index, ticket in enumerate(Ticket.objects.filter(contract_id__in=ids, external_id__gte="R050")):
        Ticket.objects.filter(pk=ticket.pk).update(category=f"类别 {index}")
    report = generated_report(contract, demo)
    data = report.snapshot
    march = Ticket.objects.filter(contract_id__in=ids, created__gte=datetime(2026, 3, 1, tzinfo=BJ),
                                  created__lt=datetime(2026, 4, 1, tzinfo=BJ)).count()
    rows = category_rows(data["categories"])
    assert len(data["categories"]) > 10
    assert rows[-1][1] == march == sum(row[1] for row in rows[:-1])
    assert any(row[0] in ("Uncategorised", "未分类") and row[1] == 3 for row in rows)
    problems = problem_rows(data["problems"])
    first = datetime(*map(int, data["problems"]["months"][0].split("-")), 1, tzinfo=BJ)
    in_window = Ticket.objects.filter(contract_id__in=ids, created__gte=first,
                                      created__lt=datetime(2026, 4, 1, tzinfo=BJ)).count()
    assert sum(problems[-1][1:]) == in_window and problems[-1][-1] == march

    html = client_for("pm").get(report.get_absolute_url()).content.decode()
    total = re.search(r'<table[^>]*id="problem-table".*?<tr class="[^"]*" data-total="1">(.*?)</tr>', html, re.S)[1]
    assert re.findall(r">(\d+)<", total)[-1] == str(march)
    chart = chart_json(html, "report-chart-data")
    assert sum(chart["categories"]["count"]) == march and len(chart["categories"]["names"]) == 10


def test_the_percent_axis_floor_shows_the_gap_to_the_target():
    assert percent_axis_floor([88.9, None, 99]) == 85
    assert percent_axis_floor([99.95, 99.9]) == 95
    assert percent_axis_floor([3.0]) == 0 and percent_axis_floor([None]) == 0
