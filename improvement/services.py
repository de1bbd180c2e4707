"""The decisions of the improvement register, shared by pages, API, demo and tests (SP-4.5.6).

* `take_baseline`: the measure over the full months before the improvement was drafted (default three), computed
  from the service data and frozen on the record (taken again only while it is a draft and its measure or
  contract changed).
* `record_check`: the effectiveness check: the same measure over the full months after the implemented date
  (the stated number, or up to the last full month), compared with the baseline and the target, with the
  reviewer's conclusion. The Service Department manager approves it by closing the improvement (workflows).
* `register_rows`: the register's open and new improvements for reports and the closure checklist.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records, workflow
from core.permissions import allowed

from . import measures, sources
from .choices import OPEN_STATES, ImprovementStatus
from .models import Improvement

BASELINE_MONTHS = 3


def contracts_of(improvement) -> list:
    """What the measure is computed over: the improvement's contract, else every contract in force."""
    from contracts.models import Contract

    if improvement.contract_id:
        return [improvement.contract]
    return list(Contract.objects.in_force().select_related("calendar", "service_tier").order_by("number"))


def compute(improvement, months) -> measures.Value:
    return measures.compute(improvement.measure, contracts_of(improvement), months, improvement.measure_param)


# ---- baseline ----------------------------------------------------------------------------------------

def baseline_due(improvement) -> bool:
    return improvement.status == ImprovementStatus.DRAFT and (
        not improvement.baseline_months or improvement.baseline_detail.get("key") != improvement.measure_key)


def take_baseline(improvement, user, months=None, today=None):
    """Freeze the baseline: the measure over `months` ((year, month) pairs; default the three full months before
    `today`), with what it was counted from."""
    if improvement.status != ImprovementStatus.DRAFT:
        raise workflow.refuse(_t("The baseline is fixed once the work started."))
    months = list(months or measures.full_months_before(today or timezone.localdate(), BASELINE_MONTHS))
    # Only months inside the contract's term are measured (a contract that began last month has one month).
    months = measures.measured_months(contracts_of(improvement), months)
    value = compute(improvement, months)
    before = audit.snapshot(improvement)
    improvement.baseline_months = [measures.label(m) for m in months]
    improvement.baseline_value = value.value
    improvement.baseline_detail = {**value.detail, "key": improvement.measure_key}
    improvement.baseline_taken_at = timezone.now()
    return records.update(improvement, user, before, comment=display.message(
        gettext_noop("Baseline taken from the data: %(months)s."), months=", ".join(improvement.baseline_months)))


def ensure_baseline(improvement, user):
    """After a save (page or API): a draft whose measure has no baseline yet, or changed, takes it."""
    improvement.refresh_from_db()
    if baseline_due(improvement):
        take_baseline(improvement, user)
    return improvement


def create(improvement, user, source=None, baseline_months=None, comment=""):
    """Draft an improvement (from `source`, a record, if given) and take its baseline."""
    if source is not None:
        link_source(improvement, source)
    with transaction.atomic():
        records.create(improvement, user, comment=comment)
        take_baseline(improvement, user, months=baseline_months)
    return improvement


def link_source(improvement, source):
    improvement.source_type = ContentType.objects.get_for_model(source)
    improvement.source_id = source.pk
    improvement.source_label = sources.label_of(source)
    descriptor = sources.source_for(source)
    if descriptor is not None:
        improvement.source_kind = descriptor.kind


def raised_from(source):
    """Improvements raised from a source record (latest versions)."""
    return Improvement.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk,
                                      successor__isnull=True)


# ---- effectiveness check -----------------------------------------------------------------------------

def after_months(improvement, today=None):
    if improvement.implemented_on is None:
        return []
    return measures.measured_months(contracts_of(improvement), measures.full_months_after(
        improvement.implemented_on, today or timezone.localdate(), improvement.check_months))


def may_check(improvement, user) -> bool:
    return improvement.status == ImprovementStatus.IMPLEMENTED and allowed(user, improvement, "change")


def preview_check(improvement, today=None) -> dict:
    """What the check would record now: the months after, the value, and how it compares."""
    months = after_months(improvement, today)
    value = compute(improvement, months) if months else measures.Value(None, {})
    return {"months": [measures.label(m) for m in months], "value": value.value, "detail": value.detail,
            "improved": measures.moved_right_way(improvement.measure, improvement.baseline_value, value.value),
            "target_reached": measures.reached(improvement.measure, improvement.target_value, value.value)}


def record_check(improvement, user, effective: bool, conclusion: str, today=None):
    """Record the effectiveness check: the measure after implementation against the baseline, and the reviewer's
    conclusion (effective or not, and why)."""
    if improvement.status != ImprovementStatus.IMPLEMENTED:
        raise workflow.refuse(_t("The effectiveness check is recorded once the improvement is implemented."),
                              (_t("Open %(number)s") % {"number": improvement.number},
                               improvement.get_absolute_url()))
    if not allowed(user, improvement, "change"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_t("Your role may not record the effectiveness check."))
    if not (conclusion or "").strip():
        raise workflow.refuse(_t("Write the conclusion of the check."), field="check_conclusion")
    if effective is None:
        raise workflow.refuse(_t("Say whether the improvement was effective."), field="effective")
    result = preview_check(improvement, today)
    if not result["months"]:
        day = improvement.implemented_on
        first = measures.from_index(measures.month_index(day.year, day.month) + 1)
        raise workflow.refuse(_t("There is no full month after the implemented date yet: the check can be made "
                                 "once %(month)s has ended.") % {"month": measures.label(first)})
    before = audit.snapshot(improvement)
    improvement.after_months = result["months"]
    improvement.after_value = result["value"]
    improvement.after_detail = result["detail"]
    improvement.improved = result["improved"]
    improvement.target_reached = result["target_reached"]
    improvement.effective = bool(effective)
    improvement.check_conclusion = conclusion.strip()
    improvement.checked_by = user
    improvement.checked_at = timezone.now()
    return records.update(improvement, user, before, comment=display.message(
        gettext_noop("Effectiveness check recorded: %(months)s."), months=", ".join(result["months"])))


def check_recorded(improvement, user=None) -> bool:
    return improvement.check_recorded and improvement.implemented_on is not None


def not_checker(improvement, user) -> bool:
    return user is None or improvement.checked_by_id != user.pk


# ---- the register's rows for reports and closure --------------------------------------------------------

def open_improvements():
    return Improvement.objects.filter(status__in=OPEN_STATES, successor__isnull=True)


def for_contracts(contracts, start=None, end=None):
    """Improvements of the contracts (any version of them) open now or raised in [start, end)."""
    numbers = sorted({c.number for c in contracts})
    queryset = Improvement.objects.filter(contract__number__in=numbers, successor__isnull=True)
    condition = Q(status__in=OPEN_STATES)
    if start is not None and end is not None:
        condition |= Q(created__gte=start, created__lt=end)
    return queryset.filter(condition).select_related("owner", "contract").order_by("due_date", "number")


def overdue(today=None):
    today = today or timezone.localdate()
    return open_improvements().filter(status__in=(ImprovementStatus.DRAFT, ImprovementStatus.IN_PROGRESS),
                                      due_date__lt=today)


def value_text(improvement, value) -> str:
    if value is None:
        return "—"
    unit = improvement.unit
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}"


def baseline_after_text(improvement) -> str:
    baseline = value_text(improvement, improvement.baseline_value)
    if not improvement.after_months:
        return baseline
    return f"{baseline} → {value_text(improvement, improvement.after_value)}"


def months_text(labels) -> str:
    if not labels:
        return "—"
    return labels[0] if len(labels) == 1 else f"{labels[0]} – {labels[-1]}"
