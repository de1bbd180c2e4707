"""The supplier decisions pages, API, procurement and tests share (SP-2.6)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils.translation import gettext as _t

from core.choices import RecordStatus
from core.display import date_text

from .models import Certificate, QualifiedEntry, QualifiedList


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    reasons: list = field(default_factory=list)  # why not, readable, in the active language
    until: date | None = None  # the first date the qualification lapses (list review, entry, a certificate)


def list_in_force():
    """The approved qualified supplier list in force (approved and not yet superseded), or None."""
    return QualifiedList.objects.filter(status=RecordStatus.APPROVED).order_by("-approved_at", "-version").first()


def qualification(supplier, on=None) -> Qualification:
    """Whether `supplier` may be chosen on `on` (default today): on the approved list in force, the list not past
    its re-approval date, the entry not past its date, and no certificate lapsed (the latest of each name)."""
    from django.utils import timezone

    on = on or timezone.localdate()
    reasons, ends = [], []
    qualified_list = list_in_force()
    entry = QualifiedEntry.objects.filter(qualified_list=qualified_list, supplier=supplier).first() \
        if qualified_list else None
    if entry is None:
        reasons.append(_t("%(supplier)s is not on the approved qualified supplier list.") % {"supplier": supplier})
    else:
        ends += [qualified_list.review_due, entry.valid_until]
        if on > qualified_list.review_due:
            reasons.append(_t("The qualified supplier list %(number)s was due for re-approval on %(date)s.")
                           % {"number": qualified_list.number, "date": date_text(qualified_list.review_due)})
        if on > entry.valid_until:
            reasons.append(_t("%(supplier)s was qualified until %(date)s.")
                           % {"supplier": supplier, "date": date_text(entry.valid_until)})
    latest = Certificate.objects.filter(supplier=supplier).values("name").annotate(until=Max("valid_until"))
    for row in latest:
        ends.append(row["until"])
        if on > row["until"]:
            reasons.append(_t("The certificate %(name)s of %(supplier)s expired on %(date)s.")
                           % {"name": row["name"], "supplier": supplier, "date": date_text(row["until"])})
    return Qualification(not reasons, reasons, min(ends) if ends else None)


def record_performance(supplier, *, delivered_on, due_on, quantity, defects, source_label, source_url="", note="",
                       user):
    """How one accepted delivery went (procurement calls it when a delivery is accepted): on time when delivered
    on or before its due date. Written through core.records (matrix, validation, audit)."""
    from core import records

    from .models import Performance

    row = Performance(supplier=supplier, delivered_on=delivered_on, due_on=due_on,
                      on_time=due_on is None or delivered_on <= due_on, quantity=quantity, defects=defects,
                      source_label=source_label[:300], source_url=source_url, note=note, recorded_by=user)
    records.create(row, user)
    return row
