"""Seeded tickets on a demo contract and problems built through the services, for problem-management tests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core import records, rows
from core.audit import snapshot
from core.context import acting_as
from servicedata.models import Ticket
from servicedata.tests.helpers import import_records

BJ = ZoneInfo("Asia/Shanghai")
FMT = "%Y-%m-%d %H:%M"
# Before the demo's data: a window here sees only the tickets a test seeds.
BASE = datetime(2025, 6, 2, 9, 0, tzinfo=BJ)


def seed(contract, user, specs, prefix="T"):
    """Import tickets: specs are (category, configuration item, priority, days after BASE); answered in 5 minutes and
    resolved in an hour. Returns the tickets in the order given."""
    data = []
    for i, (category, item, priority, day) in enumerate(specs):
        created = BASE + timedelta(days=day, minutes=i)
        data.append({"external_id": f"{prefix}{i:04d}", "priority": priority, "category": category,
                     "configuration_item": item, "created": created.strftime(FMT),
                     "first_response": (created + timedelta(minutes=5)).strftime(FMT),
                     "resolved": (created + timedelta(hours=1)).strftime(FMT), "summary": f"{category} {i}"})
    result = import_records(contract, user, data, external_system="problems-test")
    assert not result.rejected, result.errors
    ids = [row["external_id"] for row in data]
    by_id = {t.external_id: t for t in Ticket.objects.filter(external_system="problems-test", external_id__in=ids)}
    return [by_id[i] for i in ids]


def set_clocks(tickets, response_met, resolution_met):
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(response_met=response_met,
                                                                 resolution_met=resolution_met)


def update(problem, user, **values):
    before = snapshot(problem)
    for name, value in values.items():
        setattr(problem, name, value)
    with acting_as(user):
        records.update(problem, user, before)
    problem.refresh_from_db()
    return problem


def analyse_fully(problem, user, tickets, owner):
    """Every analysis field the procedure names, and the solution with one task."""
    update(problem, user, method="five_whys", trend="rising", impact="billing down", risk_level="high",
           solution="replace the module")
    with acting_as(user):
        rows.set_links(problem, "tickets", tickets, user)
        rows.set_links(problem, "configuration_items", [configuration_item(problem.contract.customer, user)], user)
        rows.replace(problem, "causes", [{"position": 1, "question": "why?", "cause": "aged module"}], user)
        rows.replace(problem, "tasks", [{"description": "replace", "owner": owner}], user)
    problem.refresh_from_db()
    return problem


def configuration_item(customer, user):
    from customers.models import ConfigurationItem

    item = customer.configuration_items.first()
    if item is None:
        item = ConfigurationItem(customer=customer, kind="network", name="core switch")
        with acting_as(user):
            records.create(item, user)
    return item
