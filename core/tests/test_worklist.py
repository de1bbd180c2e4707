"""The work queue's contract: sources registered by apps, items keyed once, overdue first."""

from datetime import date

from core import worklist
from core.worklist import Item, Kind


def test_items_are_merged_by_key_and_ordered_overdue_first(monkeypatch, demo):
    today = date(2026, 11, 30)

    def source(user, today):
        yield Item("b", Kind.DUE, "due later", "/b/", due=date(2026, 12, 5))
        yield Item("a", Kind.WRITE, "late", "/a/", due=date(2026, 11, 20))
        yield Item("c", Kind.WRITE, "undated", "/c/")
        yield Item("a", Kind.WRITE, "late", "/a/", due=date(2026, 11, 20))

    monkeypatch.setattr(worklist, "SOURCES", [source])
    items = worklist.items_for(demo["pm"], today)
    assert [i.key for i in items] == ["a", "b", "c"]
    assert items[0].overdue(today) and items[1].due_soon(today) and not items[2].due_soon(today)


def test_records_waiting_for_a_decision_are_items_of_the_approver(demo):
    from core.dashboard import awaiting

    for username, user in demo.items():
        waiting = {row.url for row in awaiting(user)}
        approvals = {i.url for i in worklist.items_for(user) if i.kind == Kind.APPROVE}
        assert approvals == waiting, username
