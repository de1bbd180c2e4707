"""The improvement's document (PDF/DOCX): source, plan, measure, baseline months and value, months and value
after, the reviewer's conclusion and the approval of the effectiveness check."""

from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext as _t

from core import display
from core.exports import Section, Table
from core.models import TransitionLog

from . import services


def _yes_no(value):
    return "—" if value is None else (_t("Yes") if value else _t("No"))


def _approval(improvement):
    log = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(improvement),
                                       object_id=improvement.pk, transition="close").select_related("user") \
        .order_by("-pk").first()
    if log is None:
        return _t("Not approved yet")
    return f"{log.user or '—'} · {display.local_date(log.at)}"


def improvement_sections(improvement, language):
    with translation.override(language):
        source = Table([_t("Item"), _t("Value")], [
            [_t("Source"), improvement.get_source_kind_display()],
            [_t("Source record"), improvement.source_label or "—"],
            [_t("Reference"), improvement.source_reference or "—"],
            [_t("Contract"), str(improvement.contract) if improvement.contract_id else _t("Company-wide")],
            [_t("Owner"), str(improvement.owner)],
            [_t("Due date"), improvement.due_date],
            [_t("Implemented on"), improvement.implemented_on or "—"],
        ], caption=_t("Source and owner"))
        measure = Table([_t("Item"), _t("Months"), _t("Value")], [
            [_t("Baseline"), ", ".join(improvement.baseline_months) or "—",
             services.value_text(improvement, improvement.baseline_value)],
            [_t("After implementation"), ", ".join(improvement.after_months) or "—",
             services.value_text(improvement, improvement.after_value)],
            [_t("Target"), "", services.value_text(improvement, improvement.target_value)],
        ], caption=_t("Measure: %(measure)s (%(direction)s)") % {"measure": improvement.measure_label,
                                                                 "direction": improvement.direction_label})
        check = Table([_t("Item"), _t("Value")], [
            [_t("Moved the right way"), _yes_no(improvement.improved)],
            [_t("Target reached"), _yes_no(improvement.target_reached)],
            [_t("Effective"), _yes_no(improvement.effective)],
            [_t("Reviewer's conclusion"), improvement.check_conclusion or "—"],
            [_t("Checked by"), f"{improvement.checked_by} · {display.local_date(improvement.checked_at)}"
             if improvement.checked_by_id else "—"],
            [_t("Approval"), _approval(improvement)],
        ], caption=_t("Effectiveness check"))
        return [Section(_t("Source"), tables=[source]),
                Section(_t("Plan"), paragraphs=[improvement.plan or "—"]),
                Section(_t("Measure and baseline"), tables=[measure]),
                Section(_t("Effectiveness check"), tables=[check])]
