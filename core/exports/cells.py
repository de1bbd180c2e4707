"""Spreadsheet cells that never run: CSV/XLSX formula injection (OWASP "CSV injection").

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel/WPS as a formula. :func:`inert` prefixes such a text with a single
quote (OWASP's advice; a plain number such as ``-5`` is left alone), and is used
for every CSV cell and for imported text values, so what was imported is stored
and exported harmless. XLSX cells are written as strings (:func:`inert_row`), so
a spreadsheet never evaluates them.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?%?")


def inert(value):
    """The value, or a text that a spreadsheet shows as text: a quote before a leading formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def inert_row(cells):
    """openpyxl cells of a row just written: every text is a string cell, never a formula."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def append_inert(sheet, values):
    """sheet.append(values), with every text cell stored as a string (never a formula)."""
    sheet.append(values)
    inert_row(sheet[sheet.max_row])
