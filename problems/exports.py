"""The problem record's PDF/DOCX body (core.exports): the analysis, the SLA conformance per priority with the SLA
version, the impact and the configuration items, the solution's tasks and the verification."""

from django.utils import translation
from django.utils.translation import gettext as _t

from core.exports import Section, Table

from . import services


def _value(problem, name):
    field = problem._meta.get_field(name)
    display = getattr(problem, f"get_{name}_display", None)
    value = display() if display and getattr(problem, name) else getattr(problem, name)
    if isinstance(value, bool):
        value = _t("Yes") if value else _t("No")
    return f"{str(field.verbose_name).capitalize()}: {value}" if value not in (None, "") else None


def problem_sections(problem, language):
    with translation.override(language):
        frozen = problem.snapshot or {}
        header = [p for p in (_value(problem, n) for n in (
            "contract", "category", "configuration_item", "description", "known_error", "known_error_on",
            "workaround")) if p]
        causes = Table(caption=_t("Causes"), columns=[_t("Order"), _t("Category"), _t("Why?"), _t("Cause")],
                       rows=[[str(c.position), c.get_category_display() if c.category else "", c.question, c.cause]
                        for c in problem.causes.all()])
        analysis = [p for p in (_value(problem, n) for n in ("method", "trend")) if p]
        conformance = frozen.get("sla") if "sla" in frozen else services.sla_conformance(problem)
        sla = Table(caption=_t("Conformance to the SLA of the linked tickets"),
                    columns=[_t("Priority"), _t("SLA version"), _t("Tickets"), _t("Response breaches"),
                     _t("Resolution breaches")],
                    rows=[[r["priority"], r["sla"], str(r["tickets"]), str(r["response_breaches"]),
                      str(r["resolution_breaches"])] for r in conformance])
        impact = [p for p in (_value(problem, n) for n in ("impact", "risk_level")) if p]
        items = ", ".join(i.name for i in problem.configuration_items.all())
        if items:
            impact.append(f"{_t('Configuration items affected')}: {items}")
        tasks = Table(caption=_t("Solution tasks"), columns=[_t("Task"), _t("Owner"), _t("Due date"), _t("Done on")],
                      rows=[[t.description, str(t.owner or ""), f"{t.due_on:%Y-%m-%d}" if t.due_on else "",
                        f"{t.done_on:%Y-%m-%d}" if t.done_on else ""] for t in problem.tasks.select_related("owner")])
        result = frozen.get("verification") if "verification" in frozen else services.verification(problem)
        if result:
            verification = [f"{_t('Fix date')}: {result['fixed_on']}",
                            f"{_t('Tickets of the same category and configuration item since the fix date')}: "
                            f"{result['recurrences']}",
                            f"{_t('Linked tickets since the fix date')}: {result['linked_after']}",
                            _t("No recurrence since the fix date: the problem stopped") if result["stopped"]
                            else _t("Tickets recur since the fix date")]
        else:
            verification = [_t("Computed once every task is done and verification starts (the fix date).")]
        return [
            Section(_t("Problem"), header),
            Section(_t("Analysis"), analysis, tables=[causes, sla]),
            Section(_t("Impact and risk to the customer's systems"), impact),
            Section(_t("Solution"), [p for p in [_value(problem, "solution")] if p], tables=[tasks]),
            Section(_t("Verification"), verification),
        ]
