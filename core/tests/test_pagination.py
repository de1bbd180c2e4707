"""Keyset pagination and estimated counts (core.pagination) on a list page and an API list, on either database.

The ticket list is the list that grows: its rows are read page by page while new tickets arrive, and every row
present at the start must be read exactly once. Run with DATABASE_URL=postgres://… for PostgreSQL.
"""

import html
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.urls import reverse

from core import pagination
from core.pagination import count_rows, decode_cursor, encode_cursor, keyset_ordering
from servicedata.models import Ticket
from servicedata.tests.helpers import import_records

CATEGORY = "keysetwalk"
LIST = reverse("servicedata:ticket_list")
API = "/api/servicedata/tickets/"
ROW = re.compile(r'href="/servicedata/ticket/(\d+)/"')
NEXT = re.compile(r'<li class="page-item next">\s*<a class="page-link" href="([^"]+)"')
LAST = re.compile(r'<li class="page-item last">\s*<a class="page-link" href="([^"]+)"')


@pytest.fixture
def contract(demo):
    from contracts.models import Contract

    return Contract.objects.filter(tickets__isnull=False).distinct().order_by("pk").first() or \
        Contract.objects.order_by("pk").first()


def add_tickets(contract, user, count, system, start=datetime(2026, 3, 2, 9, 0), category=CATEGORY):
    """`count` tickets, three per minute (ties on `created`, so the primary key must settle the order)."""
    records = [{"external_id": f"{system}-{i}", "priority": "P3", "category": category, "summary": f"walk {i}",
                "created": (start + timedelta(minutes=i // 3)).strftime("%Y-%m-%d %H:%M")} for i in range(count)]
    assert not import_records(contract, user, records, external_system=system).rejected


def ids_of(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, params)
    body = response.content.decode()
    following = NEXT.search(body)
    return [int(pk) for pk in ROW.findall(body)], html.unescape(following.group(1)) if following else None


def walk_pages(client, first_params, between=None):
    """Every page by its "next" link; `between(n)` runs after page n (writes rows meanwhile)."""
    seen, params, url, n = [], first_params, LIST, 0
    while True:
        rows, following = ids_of(client, url, params)
        seen += rows
        n += 1
        if following is None:
            return seen
        assert n < 100, "the pages never end"
        url, params = LIST + following, None
        if between:
            between(n)


def walk_api(client, params, between=None):
    seen, url, n = [], API, 0
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        url, params, n = body["next"], None, n + 1
        assert n < 100, "the pages never end"
        if between and url:
            between(n)
    return seen


def original_ids():
    return set(Ticket.objects.filter(category=CATEGORY).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", [None, "priority", "-external_id"])
def test_every_row_once_while_rows_arrive_on_the_page(sort, contract, demo, client_for, monkeypatch):
    monkeypatch.setattr(pagination, "NUMBERED_ROWS", 20)  # two numbered pages of 10, then cursors only
    add_tickets(contract, demo["svc_staff"], 47, "walk")
    before = original_ids()
    newer = iter(range(100))

    def arrive(n):  # newer tickets (first in the default order) and older ones (last in it) between pages
        add_tickets(contract, demo["svc_staff"], 2, f"new{next(newer)}", start=datetime(2026, 3, 9, 9, 0))
        add_tickets(contract, demo["svc_staff"], 1, f"old{next(newer)}", start=datetime(2026, 2, 1, 9, 0))

    params = {"category": CATEGORY, "per_page": 10, **({"sort": sort} if sort else {})}
    seen = walk_pages(client_for("auditor"), params, arrive)
    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert before <= set(seen), "a row present from the start was never shown"


def test_every_row_once_while_rows_arrive_in_the_api(contract, demo, client_for):
    add_tickets(contract, demo["svc_staff"], 47, "walk")
    before = original_ids()
    newer = iter(range(100))

    def arrive(n):
        add_tickets(contract, demo["svc_staff"], 3, f"new{next(newer)}", start=datetime(2026, 3, 9, 9, 0))

    seen = walk_api(client_for("auditor"), {"category": CATEGORY, "limit": 10, "cursor": ""}, arrive)
    assert len(seen) == len(set(seen)) and before <= set(seen)
    # limit/offset keeps working for existing clients (rows do shift there: that is what the cursor is for)
    offset = walk_api(client_for("auditor"), {"category": CATEGORY, "limit": 10})
    assert set(offset) == original_ids()


def test_pages_in_order_and_the_last_page_reads_the_oldest(contract, demo, client_for):
    add_tickets(contract, demo["svc_staff"], 35, "walk")
    expected = list(Ticket.objects.filter(category=CATEGORY).order_by("-created", "-pk").values_list("pk", flat=True))
    client = client_for("auditor")
    assert walk_pages(client, {"category": CATEGORY, "per_page": 10}) == expected
    body = client.get(LIST, {"category": CATEGORY, "per_page": 10}).content.decode()
    last = html.unescape(LAST.search(body).group(1)) if LAST.search(body) else None
    if last is not None:  # only offered when the last page is not numbered
        assert ids_of(client, LIST + last)[0] == expected[-10:]
    # a numbered jump, then on by cursor
    rows, following = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "page": 3})
    assert rows == expected[20:30] and ids_of(client, LIST + following)[0] == expected[30:]


@pytest.mark.parametrize("cursor", ["", "garbage", "a" * 300, "eyJrIjoiYSJ9:1abc:xyz"])
def test_a_bad_cursor_gives_the_first_page(cursor, contract, demo, client_for):
    add_tickets(contract, demo["svc_staff"], 15, "walk")
    client = client_for("auditor")
    first = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10})[0]
    assert ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "cursor": cursor})[0] == first
    response = client.get(API, {"category": CATEGORY, "limit": 10, "cursor": cursor})
    assert response.status_code == 200 and [r["id"] for r in response.json()["results"]] == first


def test_a_cursor_of_another_order_or_tampered_gives_the_first_page(contract, demo, client_for):
    add_tickets(contract, demo["svc_staff"], 25, "walk")
    client = client_for("auditor")
    first, following = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10})
    cursor = parse_qs(following.lstrip("?"))["cursor"][0]
    assert ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "cursor": cursor})[0] != first
    resorted = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "sort": "priority"})[0]
    assert ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "sort": "priority",
                                 "cursor": cursor})[0] == resorted
    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    assert ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "cursor": tampered})[0] == first


def test_orders_that_cannot_be_keyset_keep_bounded_page_numbers(contract, demo, client_for, monkeypatch):
    monkeypatch.setattr(pagination, "NUMBERED_ROWS", 20)
    add_tickets(contract, demo["svc_staff"], 35, "walk")
    queryset = Ticket.objects.all()
    assert keyset_ordering(queryset) == [("created", True), ("id", True)]
    assert keyset_ordering(queryset.order_by("priority")) == [("priority", False), ("id", False)]
    assert keyset_ordering(queryset.order_by("resolved")) is None  # nullable
    assert keyset_ordering(queryset.order_by("service")) is None  # ordered by the other model's ordering
    client = client_for("auditor")
    rows, following = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "sort": "resolved"})
    assert len(rows) == 10 and "page=2" in following and "cursor" not in following
    deepest = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10, "sort": "resolved", "page": 10**9})
    assert len(deepest[0]) == 10 and deepest[1] is None  # page 2 is the last one offered by number


def test_cursor_round_trip_keeps_types(contract, demo):
    add_tickets(contract, demo["svc_staff"], 3, "walk")
    queryset = Ticket.objects.all()
    fields = keyset_ordering(queryset)
    ticket = queryset.first()
    kind, values = decode_cursor(encode_cursor("a", fields, [ticket.created, ticket.pk]), queryset, fields)
    assert kind == "a" and values == [ticket.created, ticket.pk]
    assert decode_cursor(encode_cursor("a", fields, [ticket.created, ticket.pk]), queryset,
                         keyset_ordering(queryset.order_by("priority"))) is None


def test_counts_exact_below_the_cap_and_estimated_above(contract, demo, client_for, monkeypatch):
    add_tickets(contract, demo["svc_staff"], 30, "walk")
    queryset = Ticket.objects.filter(category=CATEGORY)
    assert count_rows(queryset) == pagination.RowCount(30)
    capped = count_rows(queryset, cap=20)
    assert capped.is_estimate and capped.value >= 20
    assert capped.kind == ("about" if connection.vendor == "postgresql" else "more")
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)
    client = client_for("auditor")
    page = client.get(LIST, {"category": CATEGORY}).content.decode()
    assert ("about" if connection.vendor == "postgresql" else "more than 20 rows") in page
    body = client.get(API, {"category": CATEGORY}).json()
    assert body["count_is_estimate"] is True and body["count"] >= 20
    body = client.get(API, {"category": CATEGORY, "limit": 5, "priority": "P1"}).json()
    assert body["count_is_estimate"] is False and body["count"] == 0


@pytest.mark.parametrize("cap", [10_000, 20])
@pytest.mark.parametrize("where", ["list", "api"])
def test_query_counts_do_not_grow_with_rows(cap, where, contract, demo, client_for, queries_of, monkeypatch):
    """Page 1 and a cursor page: the same statements for 30 rows and 300 (above and below the count cap)."""
    monkeypatch.setattr(pagination, "COUNT_CAP", cap)
    client = client_for("auditor")

    def budget():
        if where == "api":
            body = client.get(API, {"category": CATEGORY, "limit": 10, "cursor": ""}).json()
            return queries_of(client, API, {"category": CATEGORY, "limit": 10}), queries_of(client, body["next"])
        following = ids_of(client, LIST, {"category": CATEGORY, "per_page": 10})[1]
        return queries_of(client, LIST, {"category": CATEGORY, "per_page": 10}), queries_of(client, LIST + following)

    add_tickets(contract, demo["svc_staff"], 30, "few")
    few = budget()
    add_tickets(contract, demo["svc_staff"], 270, "many")
    assert budget() == few


def test_every_list_page_pages_by_cursor(demo, client_for):
    """A list of core itself (the audit trail): the same paginator, without a line of its own."""
    client = client_for("auditor")
    response = client.get(reverse("core:audit"), {"per_page": 5})
    assert response.status_code == 200
    body = response.content.decode()
    following = NEXT.search(body)
    assert following and "cursor=" in following.group(1)
    assert client.get(reverse("core:audit") + html.unescape(following.group(1))).status_code == 200
