"""Work plan tasks as XLSX: the export is also the import template (columns by position, first row a header).

Columns: WBS, parent WBS, task, deliverable, assignee (user name), assignee name (ignored on import),
planned start, planned end, effort (h), milestone (yes/no), predecessors ("1.2, 1.3+2": WBS plus an
optional lag in days), task identity (kept from an export so progress stays attached; blank for new rows).
"""

import io
import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _t

from core.exports.cells import append_inert, inert

COLUMNS = ["WBS", "parent_wbs", "task", "deliverable", "assignee", "assignee_name", "planned_start", "planned_end",
           "effort_hours", "milestone", "predecessors", "key"]
MAX_ROWS = 20_000
PREDECESSOR = re.compile(r"^\s*([0-9A-Za-z.\-_]+)\s*(?:([+-])\s*(\d+)\s*d?)?\s*$")


def headers():
    return [_t("WBS"), _t("Parent WBS"), _t("Task"), _t("Deliverable"), _t("Assignee (user name)"),
            _t("Assignee"), _t("Planned start"), _t("Planned end"), _t("Effort (h)"), _t("Milestone"),
            _t("Predecessors (WBS+lag days)"), _t("Task identity")]


def work_plan_xlsx(plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    tasks = list(plan.tasks.select_related("assignee", "parent").order_by("position", "pk"))
    wbs = {t.pk: t.wbs for t in tasks}
    predecessors = {}
    for link in plan.dependencies.all():
        lag = f"+{link.lag_days}" if link.lag_days > 0 else (str(link.lag_days) if link.lag_days else "")
        predecessors.setdefault(link.successor_id, []).append(f"{wbs.get(link.predecessor_id, '?')}{lag}")
    book = Workbook()
    sheet = book.active
    sheet.title = _t("Tasks")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    yes = _t("yes")
    for t in tasks:
        append_inert(sheet, [t.wbs, wbs.get(t.parent_id, ""), t.name, t.deliverable,
                      t.assignee.username if t.assignee_id else "", str(t.assignee) if t.assignee_id else "",
                      t.planned_start, t.planned_end, float(t.effort_hours), yes if t.is_milestone else "",
                      ", ".join(predecessors.get(t.pk, [])), str(t.key)])
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=8):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJKL", (8, 8, 36, 24, 14, 10, 12, 12, 9, 8, 18, 38), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    info = book.create_sheet(_t("About")[:31])
    append_inert(info, [f"{plan.number} V{plan.version} {plan.title}"])
    info.append([_t("Import: keep the columns in this order; the first row is a header. Predecessors are WBS codes "
                    "with an optional lag, e.g. 1.2+2.")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _date(value, line, name):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(_t("Row %(n)s: %(field)s is not a date (YYYY-MM-DD).") % {"n": line, "field": name}) \
            from None


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_tasks(upload, plan):
    """Rows of an uploaded XLSX as dicts for services.import_tasks; ValidationError lists every bad row."""
    raw = sheet_rows(upload)
    users = users_named(_text(cells["assignee"]) for _line, cells in raw)
    rows, errors, seen_refs = [], [], set()
    for line, cells in raw:
        try:
            rows.append(task_row(line, cells, users, seen_refs))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors[:50])
    check_whole_import(rows)
    return rows


def sheet_rows(upload):
    """(line, {column: value}) for every non-blank row of the first sheet below the header."""
    from core.tabular import FileError, Uncalculated, uncalculated_message, xlsx_rows

    rows = []
    try:
        for line, values in xlsx_rows(upload):
            cells = (list(values) + [None] * len(COLUMNS))[:len(COLUMNS)]
            if line == 1 or all(value in (None, "") for value in cells):
                continue
            if formula := next((value for value in cells if isinstance(value, Uncalculated)), None):
                raise ValidationError(_t("Row %(n)s: %(problem)s") % {
                    "n": line, "problem": uncalculated_message(formula)})
            rows.append((line, dict(zip(COLUMNS, cells, strict=True))))
            if len(rows) > MAX_ROWS:
                raise ValidationError(_t("At most %(n)s tasks per import.") % {"n": MAX_ROWS})
    except FileError as exc:  # refused before unpacking, not a workbook, or a damaged sheet
        raise ValidationError(exc.message) from exc
    return rows


def users_named(usernames):
    from org.models import User

    return {user.username: user for user in User.objects.filter(username__in={name for name in usernames if name})}


def task_row(line, cells, users, seen_refs):
    """One row as a dict for services.import_tasks; raises ValidationError at the row's first problem."""
    ref = _reference(line, cells, seen_refs)
    name = inert(_text(cells["task"]))
    if not name:
        raise ValidationError(_t("Row %(n)s: the task has no name.") % {"n": line})
    start = _date(cells["planned_start"], line, _t("Planned start"))
    end = _date(cells["planned_end"], line, _t("Planned end"))
    if end < start:
        raise ValidationError(_t("Row %(n)s: the task ends before it starts.") % {"n": line})
    username = _text(cells["assignee"])
    if username and username not in users:
        raise ValidationError(_t("Row %(n)s: unknown user “%(u)s”.") % {"n": line, "u": username})
    return {"line": line, "ref": ref, "parent_ref": _text(cells["parent_wbs"]), "name": name[:200],
            "deliverable": inert(_text(cells["deliverable"]))[:200], "assignee": users.get(username),
            "start": start, "end": end, "effort": _effort(cells["effort_hours"], line),
            "milestone": _is_yes(cells["milestone"]), "predecessors": _predecessors(cells["predecessors"], line),
            "key": _task_key(cells["key"], line)}


def check_whole_import(rows):
    if not rows:
        raise ValidationError(_t("The file has no task rows."))
    keys = [row["key"] for row in rows if row["key"]]
    if len(keys) != len(set(keys)):
        raise ValidationError(_t("A task identity appears twice."))


def _reference(line, cells, seen_refs):
    """The row's WBS (or `row<line>` without one), which parents and predecessors refer to; unique in the file."""
    ref = _text(cells["WBS"]) or f"row{line}"
    if ref in seen_refs:
        raise ValidationError(_t("Row %(n)s: the WBS %(ref)s is used twice.") % {"n": line, "ref": ref})
    seen_refs.add(ref)
    return ref


def _effort(value, line):
    try:
        return Decimal(str(value or 0)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValidationError(_t("Row %(n)s: the effort is not a number.") % {"n": line}) from None


def _is_yes(value):
    return _text(value).lower() in {"yes", "y", "true", "1", "是", _t("yes").lower()}


def _predecessors(value, line):
    """[(WBS, lag in days)] from "1.2, 1.3+2"."""
    predecessors = []
    for part in filter(None, (p.strip() for p in _text(value).split(","))):
        match = PREDECESSOR.match(part)
        if not match:
            raise ValidationError(_t("Row %(n)s: cannot read the predecessor “%(p)s”.") % {"n": line, "p": part})
        lag = int(match.group(3) or 0) * (-1 if match.group(2) == "-" else 1)
        predecessors.append((match.group(1), lag))
    return predecessors


def _task_key(value, line):
    """The task identity of a row exported from this plan, or None for a new task."""
    if not _text(value):
        return None
    try:
        return uuid.UUID(_text(value))
    except ValueError:
        raise ValidationError(_t("Row %(n)s: the task identity is not valid.") % {"n": line}) from None
