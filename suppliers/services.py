"""The supplier decisions pages, API, procurement and tests share (SP-2.6).

* `qualification(supplier, on)`: whether a supplier may be chosen (procurement calls it), with the reasons;
* `record_performance(...)`: how an accepted delivery went (procurement calls it), read by the next evaluation;
* evaluations: the weights rule, blind scores (`visible_scores`, `give_scores`), the weighted result and verdict
  (`suppliers.scoring`), the delivery performance over the period evaluated, frozen when submitted;
* the qualified supplier list: `list_in_force()`, `fill_from_evaluations(...)`;
* expiry flags (`flags`): certificates, evaluations and the list lapsing within the warning window, or lapsed.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records, workflow
from core.choices import AuditAction, RecordStatus
from core.display import date_text
from core.permissions import allowed

from . import scoring, terms
from .choices import DEFAULT_CRITERIA, EvaluationStatus
from .models import (
    Certificate,
    EvaluationCriterion,
    Performance,
    QualifiedEntry,
    QualifiedList,
    Score,
    SupplierEvaluation,
)

HUNDREDTH = Decimal("0.01")


# ---- qualification (procurement asks before an order) -------------------------------------------------------

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
    return qualifications([supplier], on)[supplier.pk]


def record_performance(supplier, *, delivered_on, due_on, quantity, defects, source_label, source_url="", note="",
                       user):
    """How one accepted delivery went (procurement calls it when a delivery is accepted): on time when delivered
    on or before its due date. Written through core.records (matrix, validation, audit)."""
    row = Performance(supplier=supplier, delivered_on=delivered_on, due_on=due_on,
                      on_time=due_on is None or delivered_on <= due_on, quantity=quantity, defects=defects,
                      source_label=source_label[:300], source_url=source_url, note=note, recorded_by=user)
    records.create(row, user)
    return row


# ---- delivery performance ------------------------------------------------------------------------------------

def percent(part, whole):
    """part / whole as a percentage with two decimals, or None when there is nothing to count."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def performance_summary(supplier, start, end) -> dict:
    """The supplier's deliveries with `start <= delivered_on <= end` (either bound may be None): how many, on time
    (count and %), quantity and defects, and the rows (JSON-ready, newest first)."""
    rows = Performance.objects.filter(supplier=supplier)
    if start:
        rows = rows.filter(delivered_on__gte=start)
    if end:
        rows = rows.filter(delivered_on__lte=end)
    rows = list(rows.order_by("-delivered_on", "-pk"))
    on_time = sum(1 for r in rows if r.on_time)
    on_time_pct = percent(on_time, len(rows))
    return {
        "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
        "deliveries": len(rows), "on_time": on_time,
        "on_time_percent": str(on_time_pct) if on_time_pct is not None else None,
        "quantity": sum(r.quantity for r in rows), "defects": sum(r.defects for r in rows),
        "rows": [{"delivered_on": r.delivered_on.isoformat(), "due_on": r.due_on.isoformat() if r.due_on else None,
                  "on_time": r.on_time, "quantity": r.quantity, "defects": r.defects, "delivery": r.source_label,
                  "url": r.source_url, "note": r.note} for r in rows],
    }


def evaluation_performance(evaluation) -> dict:
    """The delivery performance the evaluation reads: frozen when it was submitted, else as the data stand now."""
    if evaluation.performance:
        return evaluation.performance
    return performance_summary(evaluation.supplier, evaluation.period_from, evaluation.period_to)


def previous_evaluation(supplier, before=None):
    """The supplier's latest approved evaluation (of another number than `before`'s), or None."""
    rows = SupplierEvaluation.objects.filter(supplier=supplier, status=EvaluationStatus.APPROVED)
    if before is not None and before.number:
        rows = rows.exclude(number=before.number)
    return rows.order_by("-period_to", "-approved_at").first()


latest_approved_evaluation = previous_evaluation


def default_period(supplier, on=None) -> tuple[date, date]:
    """The period a new evaluation covers: since the day after the previous evaluation's period (else the
    configured months back) up to today."""
    on = on or terms.today()
    previous = previous_evaluation(supplier) if supplier is not None else None
    start = previous.period_to + timedelta(days=1) if previous is not None \
        else terms.add_months(on, -terms.evaluation_months())
    return min(start, on), on


# ---- evaluations: weights, scores, result ---------------------------------------------------------------

def weights_problem(evaluation) -> str | None:
    """Why the evaluation's criteria cannot be scored yet (none listed, weights not adding up to 100), or None."""
    weights = [c.weight for c in evaluation.criteria.all()]
    return weights_message(weights)


def weights_message(weights) -> str | None:
    if not weights:
        return _t("List the criteria to score.")
    total = sum(w or 0 for w in weights)
    if total != 100:
        return _t("The weights add up to %(total)s; they must add up to 100.") % {"total": total}
    return None


def add_default_criteria(evaluation, user):
    """A new evaluation starts with quality, delivery, price, service and compliance and their usual weights."""
    for criterion, weight in DEFAULT_CRITERIA:
        records.create(EvaluationCriterion(evaluation=evaluation, criterion=criterion, weight=weight), user)


def _parts(evaluation):
    criteria = list(evaluation.criteria.all().order_by("pk"))
    evaluators = list(evaluation.evaluators.all().order_by("pk"))
    scores = {(s.evaluator_id, s.criterion_id): s.score for s in evaluation.scores.all()}
    return criteria, evaluators, scores


def scores_complete(evaluation) -> bool:
    criteria, evaluators, scores = _parts(evaluation)
    return scoring.complete([e.pk for e in evaluators], [c.pk for c in criteria], scores)


def result_of(evaluation):
    """(result, qualified) computed from the scores now: (None, None) until every evaluator scored everything."""
    criteria, evaluators, scores = _parts(evaluation)
    value = scoring.result({c.pk: c.weight for c in criteria}, [e.pk for e in evaluators], scores)
    return value, (None if value is None else value >= evaluation.pass_mark)


def outcome(evaluation):
    """(result, qualified): frozen once submitted, else computed."""
    if evaluation.status in (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED, EvaluationStatus.SUPERSEDED) \
            and evaluation.result is not None:
        return evaluation.result, evaluation.qualified
    return result_of(evaluation)


def complete_evaluation_ids():
    """The evaluations whose scores everyone who may read them reads: submitted (never without every score), or
    every named evaluator has scored every criterion. A subquery, so a list's query count does not grow."""
    criteria = EvaluationCriterion.objects.filter(evaluation=OuterRef("pk")).values("evaluation") \
        .annotate(n=Count("pk")).values("n")
    through = SupplierEvaluation.evaluators.through
    evaluators = through.objects.filter(supplierevaluation=OuterRef("pk")).values("supplierevaluation") \
        .annotate(n=Count("pk")).values("n")
    named = through.objects.filter(supplierevaluation=OuterRef(OuterRef("pk"))).values("user")
    given = Score.objects.filter(evaluation=OuterRef("pk"), evaluator__in=Subquery(named)).values("evaluation") \
        .annotate(n=Count("pk")).values("n")
    counted = SupplierEvaluation._base_manager.annotate(
        n_criteria=Coalesce(Subquery(criteria, output_field=IntegerField()), 0),
        n_evaluators=Coalesce(Subquery(evaluators, output_field=IntegerField()), 0),
        n_scores=Coalesce(Subquery(given, output_field=IntegerField()), 0))
    submitted = Q(status__in=(EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED, EvaluationStatus.SUPERSEDED))
    done = Q(n_criteria__gt=0, n_evaluators__gt=0, n_scores=F("n_criteria") * F("n_evaluators"))
    return counted.filter(submitted | done).values("pk")


def is_evaluator(evaluation, user) -> bool:
    return bool(getattr(user, "pk", None)) and evaluation.evaluators.filter(pk=user.pk).exists()


def visible_scores(evaluation, user) -> dict:
    """{(evaluator id, criterion id): Score} the user may read: all once complete, else only their own."""
    criteria, evaluators, scores = _parts(evaluation)
    rows = {(s.evaluator_id, s.criterion_id): s for s in evaluation.scores.select_related("evaluator")}
    if evaluation.status in (EvaluationStatus.IN_REVIEW, EvaluationStatus.APPROVED, EvaluationStatus.SUPERSEDED):
        return rows
    complete = scoring.complete([e.pk for e in evaluators], [c.pk for c in criteria], scores)
    keys = scoring.visible(scores, getattr(user, "pk", None), complete)
    return {key: rows[key] for key in keys}


def progress(evaluation) -> list[tuple]:
    """[(evaluator, criteria scored, criteria)]: who has scored how much (never the scores themselves)."""
    criteria, evaluators, scores = _parts(evaluation)
    ids = {c.pk for c in criteria}
    return [(e, sum(1 for (who, what) in scores if who == e.pk and what in ids), len(criteria)) for e in evaluators]


def may_score(evaluation, user) -> bool:
    return evaluation.status == EvaluationStatus.SCORING and allowed(user, Score, "add") \
        and is_evaluator(evaluation, user)


def give_scores(evaluation, user, given) -> list:
    """The evaluator's own scores: `given` is [{"criterion": id or EvaluationCriterion, "score": 0..100, "note"}].
    Refused unless the user is one of the evaluation's evaluators and it is being scored; a score given again
    replaces the evaluator's earlier one. Returns the evaluator's scores."""
    if not allowed(user, Score, "add"):
        raise PermissionDenied(_t("Your role may not score evaluations."))
    if not is_evaluator(evaluation, user):
        raise PermissionDenied(_t("Only the evaluators named on %(number)s score it.") % {"number": evaluation.number})
    if evaluation.status != EvaluationStatus.SCORING:
        raise workflow.refuse(_t("%(number)s is %(status)s: scores are given while it is being scored.")
                              % {"number": evaluation.number, "status": evaluation.get_status_display()},
                              (_t("Open %(number)s") % {"number": evaluation.number}, evaluation.get_absolute_url()))
    criteria = {c.pk: c for c in evaluation.criteria.all()}
    written = []
    with transaction.atomic():
        for row in given:
            criterion = row.get("criterion")
            criterion_id = getattr(criterion, "pk", criterion)
            if criterion_id not in criteria:
                raise ValidationError({"criterion": _t("The criterion is not one of %(number)s's.")
                                       % {"number": evaluation.number}})
            value = row.get("score")
            if value is None or not 0 <= int(value) <= 100:
                raise ValidationError({"score": _t("A score is from 0 to 100.")})
            existing = Score.objects.filter(criterion_id=criterion_id, evaluator=user).first()
            if existing is None:
                written.append(records.create(Score(evaluation=evaluation, criterion=criteria[criterion_id],
                                                    evaluator=user, score=int(value),
                                                    note=row.get("note") or ""), user))
            else:
                before = audit.snapshot(existing)
                existing.score, existing.note = int(value), row.get("note") or ""
                if audit.diff(before, audit.snapshot(existing)):
                    records.update(existing, user, before)
                written.append(existing)
    return list(Score.objects.filter(evaluation=evaluation, evaluator=user).select_related("criterion"))


def freeze_outcome(evaluation, user):
    """Submission freezes the result, the verdict and the supplier's delivery performance into the record."""
    result, qualified = result_of(evaluation)
    performance = performance_summary(evaluation.supplier, evaluation.period_from, evaluation.period_to)
    SupplierEvaluation.objects.filter(pk=evaluation.pk).update(
        result=result, qualified=qualified, performance=performance, performance_taken_at=timezone.now())
    evaluation.refresh_from_db()
    audit.record_entry(AuditAction.UPDATE, evaluation,
                       changes={"result": [None, str(result)], "qualified": [None, qualified]},
                       snap=audit.snapshot(evaluation), user=user,
                       comment=display.message(gettext_noop("Result and delivery performance frozen on submission.")))


# ---- the qualified supplier list ---------------------------------------------------------------------------

def latest_evaluations(on=None) -> dict:
    """{supplier id: its latest approved evaluation (by period end)} of active suppliers."""
    result = {}
    rows = SupplierEvaluation.objects.filter(status=EvaluationStatus.APPROVED, supplier__active=True) \
        .select_related("supplier").order_by("supplier_id", "-period_to", "-approved_at")
    for evaluation in rows:
        result.setdefault(evaluation.supplier_id, evaluation)
    return result


@dataclass
class Filled:
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    def summary(self) -> str:
        return _t("Added %(added)s, updated %(updated)s, removed %(removed)s suppliers.") % {
            "added": len(self.added), "updated": len(self.updated), "removed": len(self.removed)}


def fill_from_evaluations(qualified_list, user) -> Filled:
    """Entries for the suppliers whose latest approved evaluation qualified them and is still valid, each valid until
    that evaluation's validity ends (a supplier already listed keeps its scope); a supplier whose latest approved
    evaluation did not qualify it, or has lapsed, leaves the list. Suppliers never evaluated stay as listed."""
    from core.rows import ensure_editable

    ensure_editable(qualified_list)
    if not allowed(user, QualifiedEntry, "add"):
        raise PermissionDenied
    today = terms.today()
    filled = Filled()
    current = {e.supplier_id: e for e in qualified_list.entries.select_related("supplier")}
    with transaction.atomic():
        for supplier_id, evaluation in latest_evaluations().items():
            valid = evaluation.qualified and evaluation.valid_until and evaluation.valid_until >= today
            entry = current.get(supplier_id)
            if valid and entry is None:
                records.create(QualifiedEntry(qualified_list=qualified_list, supplier=evaluation.supplier,
                                              scope=evaluation.supplier.get_category_display(),
                                              valid_until=evaluation.valid_until), user)
                filled.added.append(evaluation.supplier)
            elif valid and entry.valid_until != evaluation.valid_until:
                before = audit.snapshot(entry)
                entry.valid_until = evaluation.valid_until
                records.update(entry, user, before)
                filled.updated.append(evaluation.supplier)
            elif not valid and entry is not None:
                records.delete(entry, user, comment=display.message(
                    gettext_noop("Not qualified by evaluation %(number)s."), number=evaluation.number))
                filled.removed.append(evaluation.supplier)
    return filled


# ---- expiry flags ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flag:
    """Something that lapses on `due` (or lapsed): a certificate, an evaluation, the list or an entry of it."""

    key: str
    kind: str  # certificate | evaluation | list | entry
    text: str
    due: date
    url: str
    supplier_id: int | None = None

    def lapsed(self, on=None) -> bool:
        return self.due < (on or terms.today())


def latest_certificates(suppliers=None):
    """The latest certificate of each name of each (active) supplier."""
    newer = Certificate.objects.filter(supplier=OuterRef("supplier"), name=OuterRef("name"),
                                       valid_until__gt=OuterRef("valid_until"))
    rows = Certificate.objects.filter(supplier__active=True).exclude(Exists(newer)).select_related("supplier")
    if suppliers is not None:
        rows = rows.filter(supplier__in=suppliers)
    return rows


def flags(on=None, suppliers=None) -> list[Flag]:
    """Everything lapsing within the warning window (SERVPLAN_SUPPLIER_EXPIRY_WARNING_DAYS) or already lapsed,
    soonest first: the latest certificate of each name, each supplier's latest approved evaluation, the list in
    force (its re-approval date) and its entries. `suppliers` narrows to those suppliers (the list's own date
    is then left out)."""
    on = on or terms.today()
    horizon = terms.warning_horizon(on)
    result = []
    for cert in latest_certificates(suppliers).filter(valid_until__lte=horizon):
        result.append(Flag(f"certificate:{cert.pk}:{cert.valid_until:%Y%m%d}", "certificate",
                           _t("Certificate %(name)s of %(supplier)s valid until %(date)s")
                           % {"name": cert.name, "supplier": cert.supplier, "date": date_text(cert.valid_until)},
                           cert.valid_until, cert.supplier.get_absolute_url() + "#certificates", cert.supplier_id))
    wanted = None if suppliers is None else {getattr(s, "pk", s) for s in suppliers}
    for supplier_id, evaluation in latest_evaluations().items():
        if wanted is not None and supplier_id not in wanted:
            continue
        if evaluation.valid_until and evaluation.valid_until <= horizon:
            result.append(Flag(f"evaluation:{evaluation.pk}:{evaluation.valid_until:%Y%m%d}", "evaluation",
                               _t("Evaluation %(number)s of %(supplier)s valid until %(date)s")
                               % {"number": evaluation.number, "supplier": evaluation.supplier,
                                  "date": date_text(evaluation.valid_until)},
                               evaluation.valid_until, evaluation.get_absolute_url(), supplier_id))
    qualified_list = list_in_force()
    if qualified_list is not None:
        if suppliers is None and qualified_list.review_due <= horizon:
            result.append(Flag(f"list:{qualified_list.pk}:{qualified_list.review_due:%Y%m%d}", "list",
                               _t("Qualified supplier list %(number)s due for re-approval on %(date)s")
                               % {"number": qualified_list.number, "date": date_text(qualified_list.review_due)},
                               qualified_list.review_due, qualified_list.get_absolute_url()))
        entries = qualified_list.entries.filter(valid_until__lte=horizon).select_related("supplier")
        if suppliers is not None:
            entries = entries.filter(supplier__in=suppliers)
        for entry in entries:
            result.append(Flag(f"entry:{entry.pk}:{entry.valid_until:%Y%m%d}", "entry",
                               _t("%(supplier)s qualified on %(number)s until %(date)s")
                               % {"supplier": entry.supplier, "number": qualified_list.number,
                                  "date": date_text(entry.valid_until)},
                               entry.valid_until, qualified_list.get_absolute_url() + "#entries", entry.supplier_id))
    return sorted(result, key=lambda f: (f.due, f.key))


def qualifications(suppliers, on=None) -> dict:
    """{supplier id: Qualification} of several suppliers (a list page) in a fixed number of queries."""
    on = on or timezone.localdate()
    suppliers = list(suppliers)
    qualified_list = list_in_force()
    entries = {e.supplier_id: e for e in QualifiedEntry.objects.filter(qualified_list=qualified_list,
                                                                       supplier__in=suppliers)} \
        if qualified_list else {}
    certificates = {}
    for row in Certificate.objects.filter(supplier__in=suppliers).values("supplier", "name") \
            .annotate(until=Max("valid_until")):
        certificates.setdefault(row["supplier"], []).append(row)
    result = {}
    for supplier in suppliers:
        reasons, ends = [], []
        entry = entries.get(supplier.pk)
        if entry is None:
            reasons.append(_t("%(supplier)s is not on the approved qualified supplier list.")
                           % {"supplier": supplier})
        else:
            ends += [qualified_list.review_due, entry.valid_until]
            if on > qualified_list.review_due:
                reasons.append(_t("The qualified supplier list %(number)s was due for re-approval on %(date)s.")
                               % {"number": qualified_list.number, "date": date_text(qualified_list.review_due)})
            if on > entry.valid_until:
                reasons.append(_t("%(supplier)s was qualified until %(date)s.")
                               % {"supplier": supplier, "date": date_text(entry.valid_until)})
        for row in certificates.get(supplier.pk, []):
            ends.append(row["until"])
            if on > row["until"]:
                reasons.append(_t("The certificate %(name)s of %(supplier)s expired on %(date)s.")
                               % {"name": row["name"], "supplier": supplier, "date": date_text(row["until"])})
        result[supplier.pk] = Qualification(not reasons, reasons, min(ends) if ends else None)
    return result
