"""Ticket search through its index (servicedata.search): by words, by ticket number, in Chinese, after imports,
re-imports and deletions; the list page and the API answer alike. Run with DATABASE_URL=postgres://… too."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from servicedata import search
from servicedata.models import Ticket

from .helpers import import_records

SYSTEM = "searchdesk"
TICKETS = [
    {"external_id": "INC0012345", "priority": "P2", "created": "2026-03-02 09:00", "category": "硬件故障",
     "summary": "打印机卡纸 灯泡烧坏 printer jam in room 12", "configuration_item": "PRN-3F-01"},
    {"external_id": "INC0012399", "priority": "P1", "created": "2026-03-02 10:00", "category": "网络故障",
     "summary": "Network outage at headquarters core switch", "configuration_item": "SW-CORE-01"},
    {"external_id": "REQ0000777", "priority": "P3", "created": "2026-03-03 09:00", "category": "账号权限",
     "summary": "邮箱无法登录 mailbox login fails", "configuration_item": "MAIL-01"},
]
ROW = re.compile(r'href="/servicedata/ticket/(\d+)/"')


@pytest.fixture
def tickets(contracts, demo):
    assert not import_records(contracts["nbhospital"], demo["svc_staff"], TICKETS, external_system=SYSTEM).rejected
    return {t.external_id: t.pk for t in Ticket.objects.filter(external_system=SYSTEM)}


def found(q):
    """The tickets of this test a search finds, through the FilterSet (page and API share it)."""
    from servicedata.filtersets import TicketFilterSet

    queryset = TicketFilterSet({"q": q}, queryset=Ticket.objects.filter(external_system=SYSTEM)).qs
    return set(queryset.values_list("external_id", flat=True))


@pytest.mark.parametrize(("q", "expected"), [
    ("network outage", {"INC0012399"}),
    ("outage NETWORK", {"INC0012399"}),  # words in any order, any case
    ("printer network", set()),  # every word must occur
    ("INC0012345", {"INC0012345"}),  # the ticket number
    ("0012345", {"INC0012345"}),  # part of it
    ("inc00123", {"INC0012345", "INC0012399"}),
    ("打印机", {"INC0012345"}),  # Chinese, three characters: through the index
    ("网络", {"INC0012399"}),  # two characters (shorter than a trigram): compared on the table
    ("sw-core", {"INC0012399"}),  # configuration item
    ("账号权限", {"REQ0000777"}),  # category
    ('mail "box', set()),  # a quote is text, not query syntax
    ("room 12", {"INC0012345"}),
])
def test_search_by_words_and_number(q, expected, tickets):
    assert found(q) == expected


def test_page_and_api_find_the_same(tickets, client_for):
    client = client_for("auditor")
    for q in ("network outage", "INC0012345", "灯泡烧坏", "INC00123 网络"):  # words the demo's tickets lack
        page = client.get(reverse("servicedata:ticket_list"), {"q": q}).content.decode()
        api = client.get("/api/servicedata/tickets/", {"q": q}).json()
        by_page = {int(pk) for pk in ROW.findall(page)} & set(tickets.values())
        by_api = {row["id"] for row in api["results"]} & set(tickets.values())
        assert by_page == by_api == {tickets[e] for e in found(q)}, q


def test_the_index_follows_reimports_and_deletions(tickets, contracts, demo):
    search.catch_up(connection)
    changed = [{**TICKETS[1], "summary": "Firewall rule blocks VPN users"}]
    assert not import_records(contracts["nbhospital"], demo["svc_staff"], changed, external_system=SYSTEM).rejected
    assert found("outage") == set() and found("firewall vpn") == {"INC0012399"}
    Ticket.objects.filter(external_system=SYSTEM, external_id="INC0012345").delete()
    assert found("printer") == set() and found("INC00123") == {"INC0012399"}
    assert_index_consistent()


def test_search_index_exists_on_this_database(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [search.TRIGRAM_INDEX])
            assert "gin_trgm_ops" in cursor.fetchone()[0]
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'servicedata_ticket_fts%'")
            assert {search.FTS_TABLE, *search.TRIGGERS} <= {row[0] for row in cursor.fetchall()}


@pytest.mark.engine("sqlite")  # SQLite's FTS5 table, its mark and its triggers
def test_new_tickets_are_found_before_and_after_they_are_indexed(tickets, contracts, demo):
    """The import does not index (search reads the rows above the mark on the table); the task after it does."""
    assert found("network outage") == {"INC0012399"}  # above the mark: compared on the table
    assert search.catch_up(connection) >= 3 and search.catch_up(connection) == 0
    assert found("network outage") == {"INC0012399"} and found("打印机 jam") == {"INC0012345"}  # from the index
    changed = [{**TICKETS[1], "summary": "Firewall rule blocks VPN users"}]  # an indexed row updated: the trigger
    assert not import_records(contracts["nbhospital"], demo["svc_staff"], changed, external_system=SYSTEM).rejected
    assert found("outage") == set() and found("firewall") == {"INC0012399"}
    Ticket.objects.filter(external_system=SYSTEM, external_id="INC0012345").delete()
    assert found("printer") == set()
    assert_index_consistent()


@pytest.mark.engine("sqlite")  # SQLite's FTS5 table and its triggers
def test_lost_triggers_are_put_back_after_migrate(tickets, contracts, demo):
    """SQLite rebuilds a table to alter it and the rebuild drops its triggers: post_migrate puts them back."""
    search.catch_up(connection)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER servicedata_ticket_fts_update")
    changed = [{**TICKETS[1], "summary": "Projector lamp broken"}]
    assert not import_records(contracts["nbhospital"], demo["svc_staff"], changed, external_system=SYSTEM).rejected
    assert search.ensure(connection) is True
    assert found("projector") == {"INC0012399"} and found("outage") == set() and search.ensure(connection) is False
    assert_index_consistent()


@pytest.mark.engine("sqlite")  # SQLite's FTS5 table, its mark and its triggers
def test_a_flush_empties_the_index_whatever_was_deleted_last(tickets, contracts, demo):
    """A transactional test's flush deletes every ticket, the last one above the mark (imported, not yet indexed);
    the rows are then put back with their old ids. The index must be empty with the table, or the next flush tells
    FTS5 to delete entries it does not hold ("database disk image is malformed")."""
    search.catch_up(connection)
    late = [{**TICKETS[0], "external_id": "INC0099999"}]
    assert not import_records(contracts["nbhospital"], demo["svc_staff"], late, external_system=SYSTEM).rejected
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM servicedata_ticket ORDER BY id")
        columns, rows = [column[0] for column in cursor.description], cursor.fetchall()
        cursor.execute(f"SELECT indexed_to FROM {search.MARK_TABLE}")
        assert cursor.fetchone()[0] < rows[-1][columns.index("id")]  # the last row is above the mark
        put_back = (f"INSERT INTO servicedata_ticket ({', '.join(columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})")
        cursor.execute("DELETE FROM servicedata_ticket")
        cursor.execute(f"SELECT indexed_to FROM {search.MARK_TABLE}")
        assert cursor.fetchone()[0] == 0
        cursor.executemany(put_back, rows)
        cursor.execute("DELETE FROM servicedata_ticket")  # raised before the index was emptied with the table
        cursor.executemany(put_back, rows)
    assert search.catch_up(connection) == len(rows)
    assert found("printer") == {"INC0012345", "INC0099999"}
    assert_index_consistent()


def assert_index_consistent():
    if connection.vendor == "sqlite":  # FTS5 compares its index with the ticket table (raises when they differ)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
