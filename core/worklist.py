"""The work queue: what each person must do next, derived from the state of the procedure.

Nothing here is stored: every item is computed from the records as they are now. Apps register sources
(`register(source)`); a source is a callable `(user, today) -> iterable of Item` that yields the items it owes
that user (core's own source yields the records waiting for the user's decision). The home page shows a user's
items; the reminder job and the calendar feed read the same items, so what a person is reminded of is exactly
what their home page lists.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

SOON = timedelta(days=14)


class Kind(models.TextChoices):
    # Needs the person now (an information security incident to acknowledge): listed first on the home page and
    # e-mailed at once whatever the person's digest setting (notifications).
    URGENT = "urgent", _("Needs you now")
    APPROVE = "approve", _("Waiting for my approval")
    WRITE = "write", _("To do next")
    DUE = "due", _("Due in the next two weeks")


@dataclass(frozen=True)
class Item:
    """One thing a person must do. `key` names it across runs ("monthly_report:contract=4:2026-11"), so a
    reminder is sent once per key; `title` is written in the language active when the source runs; `url` opens
    the exact page and, where there is one, the action."""

    key: str
    kind: str
    title: str
    url: str
    due: date | None = None
    record: object = field(default=None, compare=False, hash=False)
    # An item that happens at an hour (a meeting): its start and end, so a calendar shows it at that time.
    start: datetime | None = None
    end: datetime | None = None

    def overdue(self, today):
        return self.due is not None and self.due < today

    def due_soon(self, today):
        return self.due is not None and today <= self.due <= today + SOON


SOURCES = []


def register(source):
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def items_for(user, today=None):
    """Every item the registered sources owe `user`: urgent first, then overdue, then by due date, undated last."""
    today = today or timezone.localdate()
    items = {item.key: item for source in SOURCES for item in source(user, today)}
    return sorted(items.values(), key=lambda i: (i.kind != Kind.URGENT, not i.overdue(today), i.due or date.max,
                                                 str(i.title)))


@register
def awaiting_decision(user, today):
    from .dashboard import awaiting
    from .registry import registry

    types = {t.code: t for t in registry}
    for row in awaiting(user).select_related("author")[:200]:
        yield Item(key=f"approve:{row.record_type}:{row.object_id}:v{row.version}:{row.status}",
                   kind=Kind.APPROVE, url=row.url, record=row,
                   title=f"{types[row.record_type].label} {row.number} v{row.version} · {row.title}")


def does_daily(user, model, action):
    """Does one of the user's own roles, other than the administrator's, do `action` to `model` as its daily
    work? (The administrator may do nearly everything but owes none of the procedure's steps.)"""
    from .permissions import granting
    from .roles import Role

    return bool(granting(user, model, action) - {Role.ADMIN})


def record_key(record_type, object_id):
    """The key of the item "finish this record": a source that knows the record's deadline yields an item
    under the same key (registered later, it replaces core's undated one)."""
    return f"record:{record_type}:{object_id}"


@register
def records_to_finish(user, today):
    """The user's own drafts to submit and returned records to fix (latest versions only)."""
    from .choices import RecordStatus
    from .models import RecordIndex
    from .registry import registry

    types = {t.code: t for t in registry}
    rows = RecordIndex.objects.filter(author=user, is_latest=True,
                                      status__in=[RecordStatus.DRAFT, RecordStatus.RETURNED]).order_by("-updated")
    for row in rows[:100]:
        what = f"{types[row.record_type].label} {row.number} v{row.version} · {row.title}"
        title = (_t("Fix and resubmit (returned): %(record)s") if row.status == RecordStatus.RETURNED
                 else _t("Submit the draft: %(record)s")) % {"record": what}
        yield Item(key=record_key(row.record_type, row.object_id), kind=Kind.WRITE, title=title, url=row.url,
                   record=row)
