"""The documents (PDF/DOCX, core.exports) of the qualified supplier list 合格供方名录 and of a supplier evaluation."""

from django.utils import translation
from django.utils.translation import gettext as _t

from core.exports import Section, Table

from . import services


def list_sections(qualified_list, language):
    with translation.override(language):
        entries = qualified_list.entries.select_related("supplier").order_by("supplier__code")
        table = Table([_t("No."), _t("Supplier"), _t("Category"), _t("Unified social credit code"),
                       _t("Scope of supply"), _t("Qualified until")],
                      [[str(n), e.supplier.name, e.supplier.get_category_display(), e.supplier.credit_code or "—",
                        e.scope or "—", e.valid_until] for n, e in enumerate(entries, start=1)],
                      caption=_t("Qualified suppliers"))
        return [Section(_t("Qualified suppliers"),
                        [_t("Re-approval due: %(date)s") % {"date": f"{qualified_list.review_due:%Y-%m-%d}"}],
                        tables=[table])]


def evaluation_sections(evaluation, language):
    with translation.override(language):
        supplier = evaluation.supplier
        header = Table([_t("Item"), _t("Value")], [
            [_t("Supplier"), f"{supplier.name} ({supplier.code})"],
            [_t("Category"), supplier.get_category_display()],
            [_t("Period evaluated"), f"{evaluation.period_from:%Y-%m-%d} – {evaluation.period_to:%Y-%m-%d}"],
            [_t("Valid until"), evaluation.valid_until or "—"],
            [_t("Pass mark"), str(evaluation.pass_mark)],
        ], caption=_t("Evaluation"))
        criteria = list(evaluation.criteria.all())
        evaluators = list(evaluation.evaluators.order_by("pk"))
        # A document is read by anyone who may read the record: scores only once they are no longer blind.
        scores = {(s.evaluator_id, s.criterion_id): s.score for s in evaluation.scores.all()} \
            if services.scores_complete(evaluation) else {}
        matrix = Table([_t("Criterion"), _t("Weight (%)"), *[str(e) for e in evaluators]],
                       [[c.get_criterion_display(), c.weight, *[scores.get((e.pk, c.pk), "—") for e in evaluators]]
                        for c in criteria], caption=_t("Criteria and scores"))
        result, qualified = services.outcome(evaluation)
        verdict = "—" if qualified is None else (_t("Qualified") if qualified else _t("Not qualified"))
        performance = services.evaluation_performance(evaluation)
        deliveries = Table([_t("Delivered on"), _t("Due on"), _t("On time"), _t("Quantity"), _t("Defects"),
                            _t("Delivery of")],
                           [[r["delivered_on"], r["due_on"] or "—", _t("Yes") if r["on_time"] else _t("No"),
                             r["quantity"], r["defects"], r["delivery"]] for r in performance["rows"]],
                           caption=_t("Deliveries in the period"))
        summary = _t("%(n)s deliveries, %(on_time)s on time (%(pct)s %%), %(defects)s defects") % {
            "n": performance["deliveries"], "on_time": performance["on_time"],
            "pct": performance["on_time_percent"] or "—", "defects": performance["defects"]}
        return [
            Section(_t("Evaluation"), tables=[header]),
            Section(_t("Delivery performance"), [summary], tables=[deliveries] if performance["rows"] else []),
            Section(_t("Criteria and scores"), tables=[matrix]),
            Section(_t("Result"), [_t("Weighted result: %(result)s") % {"result": result if result is not None
                                                                        else "—"},
                                   _t("Verdict: %(verdict)s") % {"verdict": verdict},
                                   *([evaluation.conclusion] if evaluation.conclusion else [])]),
        ]
