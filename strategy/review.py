"""The management review 管理评审 (SP-2.1, SP-2.2): its period, its inputs taken from the data, its decisions.

* The period is whole months (`period_errors`): the SLA figures are monthly, so the inputs count exactly the period.
* `take_inputs` freezes every stage's MANAGEMENT section (core.report_sections) for the contracts in force in the
  period, in the company's language, into the review; re-taken while the review is a draft or returned.
* Decisions are recorded by the General Manager before the approval and tracked after it (`decision_errors`,
  `track`); an improvement decision becomes a record of the improvement register when the review is approved (the
  improvement app follows the approval), every other one is a tracked action of its owner (strategy.worklist).
* `next_review`: the period of the next review and when it is due (SERVPLAN_MANAGEMENT_REVIEW_MONTHS, 12).
"""

import calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records
from core import report_sections as rs
from core.choices import RecordStatus
from core.exports import Section, Table

from .choices import DecisionKind, DecisionStatus

# Decisions are written while the review is prepared and decided; tracked once it is approved.
CONTENT_STATES = (RecordStatus.DRAFT, RecordStatus.RETURNED, RecordStatus.IN_REVIEW)
CONTENT_FIELDS = ("review_id", "kind", "decision", "owner_id", "due_date", "goal_id")
# A review is held within a month after its period ends.
HELD_WITHIN_DAYS = 30


def review_months() -> int:
    """How many months a management review covers, and how often one is held."""
    return int(getattr(settings, "SERVPLAN_MANAGEMENT_REVIEW_MONTHS", 12))


# ---- the period --------------------------------------------------------------------------------------------

def last_day(year, month) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def period_errors(start, end) -> dict:
    errors = {}
    if start and start.day != 1:
        errors["period_start"] = _t("The period starts on the first day of a month.")
    if end and end != last_day(end.year, end.month):
        errors["period_end"] = _t("The period ends on the last day of a month.")
    if start and end and end < start:
        errors["period_end"] = _t("The period ends after it starts.")
    elif start and end and (end.year * 12 + end.month) - (start.year * 12 + start.month) >= 36:
        errors["period_end"] = _t("A management review covers at most three years.")
    return errors


def months_of(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) from the start's month to the end's month, both included."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [(i // 12, i % 12 + 1) for i in range(first, last + 1)]


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end] as aware datetimes [from, to) in the company's zone."""
    zone = timezone.get_default_timezone()
    return (datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone))


def contracts_in_period(start: date, end: date) -> list:
    """Every contract in force (one version per contract number) whose term overlaps the period."""
    from contracts.models import Contract

    rows = Contract.objects.in_force().filter(start_date__lte=end, end_date__gte=start) \
        .select_related("customer", "service_tier", "calendar").order_by("number", "-version")
    latest = {}
    for contract in rows:
        latest.setdefault(contract.number, contract)
    return list(latest.values())


def scope_of(review) -> rs.Scope:
    start, end = bounds(review.period_start, review.period_end)
    return rs.Scope(tuple(contracts_in_period(review.period_start, review.period_end)), start, end)


# ---- the inputs --------------------------------------------------------------------------------------------

def build_inputs(period_start: date, period_end: date) -> dict:
    """Every registered MANAGEMENT section for the period, in the company's language (JSON-ready)."""
    from .inputs import shared_figures

    start, end = bounds(period_start, period_end)
    contracts = tuple(contracts_in_period(period_start, period_end))
    with translation.override(settings.LANGUAGE_CODE), shared_figures():
        sections = rs.sections(rs.MANAGEMENT, rs.Scope(contracts, start, end))
    return {"period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
            "contracts": [c.number for c in contracts], "sections": sections}


def take_inputs(review, user):
    """Freeze the inputs from the data into the review (a draft or returned review: re-taken as often as wanted)."""
    from core.rows import ensure_editable

    with transaction.atomic():
        review = type(review).objects.select_for_update().get(pk=review.pk)
        ensure_editable(review)
        before = audit.snapshot(review)
        review.inputs = build_inputs(review.period_start, review.period_end)
        review.inputs_taken_at = timezone.now()
        records.update(review, user, before, comment=display.message(
            gettext_noop("Inputs taken from the data for %(period)s."), period=review.period_label))
    return review


def inputs_taken(review, user=None) -> bool:
    """The inputs were taken, and for the period the review now covers."""
    period = (review.inputs or {}).get("period") or {}
    return bool(review.inputs_taken_at) and period.get("start") == f"{review.period_start:%Y-%m-%d}" \
        and period.get("end") == f"{review.period_end:%Y-%m-%d}"


def frozen_sections(review) -> list[dict]:
    return rs.frozen(review.inputs)


def has_decisions(review, user=None) -> bool:
    return review.decisions.exists()


# ---- decisions ---------------------------------------------------------------------------------------------

def decision_errors(decision) -> dict:
    """What is wrong with a decision as it is about to be saved (Decision.clean)."""
    from .models import Decision

    errors = {}
    if decision.kind == DecisionKind.GOAL_CHANGE and not decision.goal_id:
        errors["goal"] = _t("Name the goal the decision changes.")
    if decision.status == DecisionStatus.DONE and not decision.done_on:
        errors["done_on"] = _t("Say when the decision was carried out.")
    if decision.done_on and decision.done_on > timezone.localdate():
        errors["done_on"] = _t("The date done cannot be in the future.")
    if decision.status != DecisionStatus.OPEN and not (decision.result or "").strip():
        errors["result"] = _t("Say what was done, or why the decision was cancelled.")
    if not decision.review_id:
        return errors
    review = decision.review
    stored = Decision.objects.filter(pk=decision.pk).first() if decision.pk else None
    if review.status in CONTENT_STATES:
        return errors
    if stored is None:
        errors[NON_FIELD_ERRORS] = _t("Decisions are recorded before the management review is approved; start a "
                                      "new version to add one.")
    elif any(getattr(stored, name) != getattr(decision, name) for name in CONTENT_FIELDS):
        errors[NON_FIELD_ERRORS] = _t("Once the management review is approved only a decision's status, date done "
                                      "and result change.")
    elif review.status != RecordStatus.APPROVED and _tracking_changed(stored, decision):
        errors[NON_FIELD_ERRORS] = _t("Decisions are tracked on the management review in force.")
    elif decision.kind == DecisionKind.IMPROVEMENT and _tracking_changed(stored, decision):
        errors[NON_FIELD_ERRORS] = _t("An improvement decision is followed in the improvement register.")
    return errors


def _tracking_changed(stored, decision) -> bool:
    return any(getattr(stored, name) != getattr(decision, name) for name in decision.TRACKING_FIELDS)


@receiver(pre_delete, sender="strategy.Decision")
def _keep_decided(sender, instance, **kwargs):
    """A decision of an approved review is kept (a draft review's decisions go with it)."""
    review = type(instance.review).objects.filter(pk=instance.review_id).first()
    if review is not None and review.status not in CONTENT_STATES:
        raise ValidationError(_t("%(review)s is %(status)s: its decisions are kept.")
                              % {"review": review, "status": review.get_status_display()})


def may_track(decision, user) -> bool:
    """Whether the page offers `user` to record what became of the decision (an action of the review in force)."""
    return decision.review.status == RecordStatus.APPROVED and decision.is_action and follows_up(decision, user)


def follows_up(decision, user) -> bool:
    """The GM and the MR follow every decision up; anyone else of the company only those they own."""
    from core.permissions import allowed

    from .models import Decision

    return allowed(user, decision, "change") and Decision.restrict_rows(
        Decision.objects.filter(pk=decision.pk), user, "change").exists()


def track(decision, user, status, done_on=None, result=""):
    """Record what became of a decision of an approved review: done (with the date and the result), cancelled (with
    the reason) or open again."""
    if not follows_up(decision, user):
        raise PermissionDenied(_t("Only the General Manager, the Management Representative or the decision's owner "
                                  "records what became of it, once the review is approved."))
    before = audit.snapshot(decision)
    decision.status = status
    decision.done_on = (done_on or timezone.localdate()) if status == DecisionStatus.DONE else None
    decision.result = (result or "").strip() if status != DecisionStatus.OPEN else decision.result
    return records.update(decision, user, before)


def carry_decisions(old, new, user):
    """The new version's decisions (copied in the same order) remember the decision they carry on."""
    for previous, copy in zip(old.decisions.order_by("pk"), new.decisions.order_by("pk"), strict=False):
        before = audit.snapshot(copy)
        copy.origin_id = previous.origin_id or previous.pk
        records.update(copy, user, before)


def open_decisions():
    """Open decisions tracked here (not improvements) of management reviews in force."""
    from .models import Decision

    return Decision.objects.filter(review__status=RecordStatus.APPROVED, status=DecisionStatus.OPEN) \
        .exclude(kind=DecisionKind.IMPROVEMENT)


# ---- when the next review is due ---------------------------------------------------------------------------

def next_review(today=None):
    """(period start, period end, due date) of the next review: the months after the last review's period (or the
    last full months, when there was none), held within a month after that period has ended."""
    from .models import ManagementReview

    today = today or timezone.localdate()
    months = review_months()
    last = ManagementReview.objects.exclude(status=RecordStatus.SUPERSEDED).order_by("-period_end").first()
    if last is None:
        end_year, end_month = add_months(today, -1)
        start_year, start_month = add_months(date(end_year, end_month, 1), 1 - months)
    else:
        start_year, start_month = add_months(last.period_end, 1)
        end_year, end_month = add_months(date(start_year, start_month, 1), months - 1)
    end = last_day(end_year, end_month)
    return date(start_year, start_month, 1), end, end + timedelta(days=HELD_WITHIN_DAYS)


# ---- the export --------------------------------------------------------------------------------------------

def _paragraphs(text):
    return [line for line in (text or "").splitlines() if line.strip()]


def decision_rows(review):
    return [[str(d.get_kind_display()), d.decision, str(d.goal or ""), str(d.owner), d.due_date,
             str(d.get_status_display()), d.done_on, d.result]
            for d in review.decisions.select_related("owner", "goal__annual_goals")]


def review_sections(review, language):
    from core.display import value

    overview = [f"{_t('Period')}: {review.period_start:%Y-%m-%d} – {review.period_end:%Y-%m-%d}"]
    if review.meeting_date:
        overview.append(f"{_t('Meeting date')}: {review.meeting_date:%Y-%m-%d}")
    people = ", ".join(str(u) for u in review.attendees.all())
    if people:
        overview.append(f"{_t('Attendees')}: {people}")
    if review.inputs_taken_at:
        overview.append(f"{_t('Inputs taken from the data at')}: {value(review.inputs_taken_at)}")
    sections = [Section(_t("Review"), overview)]
    advice = [(_t("Policy"), review.advice_policy), (_t("Industry environment"), review.advice_industry),
              (_t("Business status"), review.advice_business)]
    sections.append(Section(_t("The Management Representative's advice"), []))
    sections += [Section(title, _paragraphs(text) or ["—"], level=2) for title, text in advice]
    sections.append(Section(_t("Inputs from the data"), [] if frozen_sections(review) else
                            [_t("The inputs have not been taken from the data yet.")]))
    sections += rs.export_sections(review.inputs, level=2)
    sections.append(Section(_t("Decisions of the General Manager"), tables=[Table(
        [_t("Kind"), _t("Decision"), _t("Goal"), _t("Owner"), _t("Due date"), _t("Status"), _t("Done on"),
         _t("Result")], decision_rows(review), caption=_t("Decisions"))]))
    return sections
