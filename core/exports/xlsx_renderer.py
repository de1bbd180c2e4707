"""XLSX export with openpyxl: one sheet per table, bold frozen header row."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from .model import (
    ExportDocument,
    Table,
    clean_text,
    display_width,
    get_labels,
    is_number,
)

__all__ = ["render_document_xlsx", "render_xlsx", "sheet_title"]

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, used: set[str], fallback: str) -> str:
    """Excel-safe, unique (case-insensitive) sheet name of at most 31 characters."""
    base = (
        _INVALID_SHEET_CHARS.sub("_", clean_text(title)).strip().strip("'")[:31]
        or fallback
    )
    name, n = base, 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


def _cell_value(value: Any, labels: dict[str, str]) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return labels["yes" if value else "no"]
    if isinstance(value, datetime):
        # Excel has no time zones: a stored (aware) time is written as the reader's wall time, as format_value does.
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, date) or is_number(value):
        return value
    return clean_text(value)


def render_xlsx(
    tables: list[Table],
    sheet_titles: list[str] | None = None,
    *,
    language: str | None = None,
) -> bytes:
    """One worksheet per table.

    Sheet names: ``sheet_titles[i]``, else the table caption, else "工作表N"
    / "SheetN"; made Excel-safe and unique.  Dates and numbers stay native
    cell types; strings are always stored as text (a leading "=" never
    becomes a formula).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    labels = get_labels(language)
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E7ECF3")
    header_border = Border(bottom=Side(style="thin", color="808080"))
    wrap = Alignment(wrap_text=True, vertical="top")

    if not tables:
        tables = [Table(columns=[])]
    for index, table in enumerate(tables, start=1):
        wanted = (
            sheet_titles[index - 1]
            if sheet_titles and index <= len(sheet_titles)
            else ""
        ) or table.caption
        ws = workbook.create_sheet(
            sheet_title(wanted, used, labels["sheet"].format(n=index))
        )
        widths = [display_width(str(c)) for c in table.columns]
        for col, label in enumerate(table.columns, start=1):
            cell = ws.cell(row=1, column=col, value=clean_text(label))
            cell.font, cell.fill, cell.border = header_font, header_fill, header_border
            cell.alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
        for r, row in enumerate(table.rows, start=2):
            for col, raw in enumerate(list(row)[: len(table.columns)], start=1):
                value = _cell_value(raw, labels)
                cell = ws.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula
                    if "\n" in value:
                        cell.alignment = wrap
                    longest = max(display_width(line) for line in value.split("\n"))
                elif isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    longest = 16
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                    longest = 10
                elif isinstance(value, Decimal):
                    places = max(-value.as_tuple().exponent, 0) if value.is_finite() else 0
                    cell.number_format = "#,##0" + ("." + "0" * places if places else "")
                    longest = len(f"{value:,}")
                else:
                    longest = len(str(value)) if value is not None else 0
                widths[col - 1] = max(widths[col - 1], longest)
        for col, width in enumerate(widths, start=1):
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
            if width + 2 > 60:
                for cells in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    cells[0].alignment = wrap
        if table.columns:
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(len(table.rows) + 1, 1)}"

    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def render_document_xlsx(doc: ExportDocument) -> bytes:
    """All tables of a document (plus the revision history) as one workbook."""
    tables: list[Table] = []
    titles: list[str] = []
    for section in doc.sections:
        for table in section.tables:
            tables.append(table)
            titles.append(table.caption or section.heading)
    if doc.revision_history:
        tables.append(
            Table(
                columns=[
                    doc.label(k)
                    for k in ("rev_version", "rev_date", "rev_author", "rev_change")
                ],
                rows=[
                    [r.version, r.date, r.author, r.change]
                    for r in doc.revision_history
                ],
            )
        )
        titles.append(doc.label("revision_history"))
    return render_xlsx(tables, titles, language=doc.language)
