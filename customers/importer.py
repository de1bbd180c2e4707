"""Import a customer's IT environment (configuration items) or operating data from XLSX/CSV.

The file is read with the shared tabular readers (core.tabular: CSV in
UTF-8 or GB18030 with a sniffed separator, XLSX streamed) with this table's
own columns, accepted in English or Chinese. Like the ticket import it
validates every row first and writes only a clean file: any bad row (a
value that does not parse, a model rule broken, a key given twice) is
reported with its row number and column, and nothing is written.

Rows are matched to what the customer already has by their key (kind + name
for an item, the month for operating data): new rows are created, changed
ones updated, equal ones left alone, so importing the same file twice
changes nothing. Each written row is audited by core.records, and the import
as a whole gets one "bulk" audit entry with the counts and the file's SHA-256.
"""

import csv
import hashlib
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core import audit, records
from core.choices import AuditAction
from core.exports.cells import inert
from core.tabular import CsvReader, FileError, XlsxReader, guess_format, header_mapper

from .cells import PARSERS, BadValue
from .choices import ImportKind, ItemKind
from .models import ConfigurationItem, OperatingData

MAX_REPORTED_ERRORS = 200
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Column:
    field: str
    label_zh: str
    aliases: tuple
    kind: str = "text"  # text | int | decimal | month | item_kind
    example: object = ""


@dataclass(frozen=True)
class TableSpec:
    kind: str
    model: type
    columns: tuple
    key: tuple
    required: tuple

    def column(self, name) -> Column:
        return next(c for c in self.columns if c.field == name)

    def label(self, name, language=None) -> str:
        language = language or translation.get_language() or "zh-hans"
        return self.column(name).label_zh if language.startswith("zh") else name


SPECS = {
    ImportKind.ITEMS: TableSpec(
        ImportKind.ITEMS, ConfigurationItem,
        (
            Column("kind", "类型", ("kind", "type", "类型", "类别", "设备类型"), "item_kind", "服务器"),
            Column("name", "名称", ("name", "名称", "配置项", "配置项名称"), "text", "核心业务数据库服务器"),
            Column("model_version", "型号/版本", ("model_version", "model", "version", "型号/版本", "型号版本",
                                                 "型号", "版本"), "text", "Huawei TaiShan 200 / Oracle 19c"),
            Column("count", "数量", ("count", "quantity", "qty", "数量", "台数"), "int", 4),
            Column("location", "位置", ("location", "位置", "地点", "部署位置"), "text", "总行数据中心 A 机房"),
            Column("notes", "备注", ("notes", "备注", "说明"), "text", ""),
        ),
        key=("kind", "name"), required=("kind", "name")),
    ImportKind.OPERATING: TableSpec(
        ImportKind.OPERATING, OperatingData,
        (
            Column("period", "月份", ("period", "month", "月份", "期间", "统计月份"), "month", "2026-09"),
            Column("ticket_volume", "工单量", ("ticket_volume", "tickets", "volume", "工单量", "工单数"), "int", 620),
            Column("incident_count", "事件数", ("incident_count", "incidents", "事件数", "故障数"), "int", 85),
            Column("major_incident_count", "重大事件数", ("major_incident_count", "major_incidents", "重大事件数",
                                                      "重大故障数"), "int", 1),
            Column("availability_percent", "可用性(%)", ("availability_percent", "availability", "可用性(%)",
                                                       "可用性", "可用率"), "decimal", "99.92"),
            Column("downtime_minutes", "非计划停机(分钟)", ("downtime_minutes", "downtime", "非计划停机(分钟)",
                                                        "停机时间", "停机分钟数"), "int", 35),
            Column("notes", "备注", ("notes", "备注", "说明"), "text", ""),
        ),
        key=("period",), required=("period",)),
}

KIND_LABELS = {ImportKind.ITEMS: _("configuration items"), ImportKind.OPERATING: _("operating data")}


@dataclass
class RowError:
    row: int
    column: str  # the column's name as written in the file
    message: str
    field: str = ""  # its canonical name (the template's English header)

    def __str__(self):
        where = _t("Row %(row)s, %(column)s") % {"row": self.row, "column": self.column} if self.column \
            else _t("Row %(row)s") % {"row": self.row}
        return f"{where}: {self.message}"

    def as_dict(self):
        return {"row": self.row, "column": self.column, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        if not self.ok:
            return _t("Nothing was imported: %(n)s problem(s) found.") % {"n": len(self.errors)}
        return _t("%(rows)s rows read: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def as_dict(self):
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "ok": self.ok, "message": self.summary(),
                "errors": [e.as_dict() for e in self.errors], "truncated": self.truncated}


def open_table(spec, fileobj, name):
    fmt = guess_format(name or "")
    if fmt not in ("csv", "xlsx"):
        raise FileError(_t("Upload an .xlsx or .csv file (the template is one)."))
    reader_class = XlsxReader if fmt == "xlsx" else CsvReader
    mapper = header_mapper({c.field: c.aliases for c in spec.columns}, spec.required)
    headers = {}

    def remember(header):
        """Map the header, keeping each field's name as written in the file for the error report."""
        mapping, ignored = mapper(header)
        headers.update({field: str(header[index]).strip() for index, field in mapping.items()})
        return mapping, ignored

    reader = reader_class(fileobj, header_mapper=remember)
    reader.headers = headers
    return reader


def _message_for(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [(name, m) for name, errs in exc.message_dict.items() for m in errs]
    return [("__all__", m) for m in exc.messages]


def validate(customer, kind, fileobj, name):
    """Pass 1: every row parsed and checked; returns (ImportResult with errors, planned writes)."""
    spec = SPECS[kind]
    result = ImportResult(kind=kind)
    existing = {tuple(getattr(row, k) for k in spec.key): row for row in spec.model.objects.filter(customer=customer)}
    seen, planned = {}, []

    headers = {}

    def error(row, name, message):
        if len(result.errors) < MAX_REPORTED_ERRORS:
            known = name in {c.field for c in spec.columns}
            column = headers.get(name) or (spec.label(name) if known else "")
            result.errors.append(RowError(row, column, str(message), name if known else ""))
        else:
            result.truncated = True

    try:
        reader = open_table(spec, fileobj, name)
        headers = reader.headers
        for number, raw in reader.rows():
            result.rows += 1
            if result.rows > MAX_ROWS:
                error(number, "", _t("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
                break
            values, bad = {}, False
            for column in spec.columns:
                if column.field not in raw:
                    continue
                try:
                    values[column.field] = PARSERS[column.kind](raw[column.field])
                except BadValue as exc:
                    error(number, column.field, exc)
                    bad = True
            if bad:
                continue
            for required in spec.required:
                if values.get(required) in (None, ""):
                    error(number, required, _t("This column is required."))
                    bad = True
            if bad:
                continue
            key = tuple(values[k] for k in spec.key)
            if key in seen:
                error(number, spec.key[-1], _t("Listed twice in this file (first on row %(row)s).")
                      % {"row": seen[key]})
                continue
            seen[key] = number
            planned_row = _plan(spec, customer, existing.get(key), values)
            try:
                planned_row[0].full_clean()
            except ValidationError as exc:
                problems = _message_for(exc)
                # A database constraint repeats what a field check already said: keep the field's message.
                if any(name_ != "__all__" for name_, _message in problems):
                    problems = [(name_, m) for name_, m in problems if name_ != "__all__"]
                for name_, message in problems:
                    error(number, name_, message)
                continue
            planned.append(planned_row)
    except FileError as exc:  # the file as a whole, or a row it cannot be read past (named with its column)
        result.errors.append(RowError(exc.row, exc.field, exc.message))
    return result, planned


def _plan(spec, customer, current, values):
    """(instance, before snapshot or None) with the file's values applied; blank cells keep model defaults."""
    if current is None:
        fields = {k: v for k, v in values.items() if v is not None}
        return spec.model(customer=customer, **fields), None
    before = audit.snapshot(current)
    for name, value in values.items():
        model_field = spec.model._meta.get_field(name)
        if value is None:
            value = model_field.get_default() if not model_field.null else None
        setattr(current, name, value)
    return current, before


def run(customer, kind, fileobj, name, user):
    """Validate the whole file; write it only if every row is good. Returns the ImportResult."""
    data = fileobj.read()
    sha256 = hashlib.sha256(data).hexdigest()
    result, planned = validate(customer, kind, io.BytesIO(data), name)
    label = KIND_LABELS[kind]
    with transaction.atomic():
        if result.ok:
            for instance, before in planned:
                if before is None:
                    records.create(instance, user)
                    result.created += 1
                elif audit.diff(before, audit.snapshot(instance)):
                    records.update(instance, user, before)
                    result.updated += 1
                else:
                    result.unchanged += 1
        audit.record_entry(
            AuditAction.BULK, customer, user=user,
            obj_repr=_t("Import of %(what)s for %(customer)s") % {"what": label, "customer": customer},
            changes={"file": name, "sha256": sha256, "rows": result.rows, "created": result.created,
                     "updated": result.updated, "unchanged": result.unchanged, "errors": len(result.errors)},
            comment=result.summary())
    return result


# ---- the downloadable template ------------------------------------------------------------------

def template(kind, fmt, language=None):
    """(bytes, content type, file name) of an empty template in the user's language.

    The XLSX has the column headers on its first sheet (a drop-down for the item kind) and a second sheet
    listing every column with its accepted names and an example; the CSV holds the header row only.
    """
    spec = SPECS[kind]
    language = language or translation.get_language() or "zh-hans"
    header = [spec.label(c.field, language) for c in spec.columns]
    name = f"{kind}-template.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
        csv.writer(out).writerow([inert(label) for label in header])
        return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", name
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    with translation.override(language):
        book = Workbook()
        sheet = book.active
        sheet.title = str(KIND_LABELS[kind])[:31]
        sheet.append(header)
        for index, column in enumerate(spec.columns, start=1):
            letter = cell_letter(index)
            sheet[f"{letter}1"].font = Font(bold=True)
            sheet[f"{letter}1"].fill = PatternFill("solid", fgColor="E7ECF3")
            sheet.column_dimensions[letter].width = max(14, len(header[index - 1]) * 2 + 4)
            if column.kind == "item_kind":
                choices = ",".join(str(c.label) if language.startswith("zh") else c.value for c in ItemKind)
                rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False)
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}2000")
        sheet.freeze_panes = "A2"
        help_sheet = book.create_sheet(_t("Help")[:31])
        help_sheet.append([_t("Column"), _t("Accepted names"), _t("Required"), _t("Example")])
        for column in spec.columns:
            help_sheet.append([spec.label(column.field, language), " / ".join(column.aliases),
                               _t("yes") if column.field in spec.required else "", column.example])
        for letter, width in (("A", 18), ("B", 60), ("C", 10), ("D", 36)):
            help_sheet.column_dimensions[letter].width = width
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name


def cell_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
