"""A list page's table as a file people open in Excel, WPS or LibreOffice (CSV, XLSX), streamed.

Every cell is what a person reads on the page, without markup (a number column rendered as a link exports its
number), typed where the spreadsheet can use it: times as date cells in the reader's time zone (naive local
datetimes with a number format, Excel has no zones), dates as dates, amounts and counts as numbers, yes/no as
是/否 or Yes/No. The CSV carries the same values as text a person reads (local times to the minute).

Rows are read from a server-side cursor (`.iterator(chunk_size=…)` over `values_list`), never the whole table at
once. How each column is read is decided once per export (`ExportPlan`): a column showing a stored field as it is
(a plain `Column`, `DateColumn`, `DateTimeColumn` or `BooleanColumn` on a field, through foreign keys at most)
is read from the values and formatted by a per-column formatter (choices mapped to their labels, text without
markup); any other column (a table's `render_<name>`/`value_<name>`, a column class with its own `render`, a
related object shown by its name) is rendered the way the page renders it, from a model instance built for the
chunk (its foreign keys and prefetches loaded once per chunk), for that column only, unless its column class
says how to export itself from stored values (`ExportColumn`: `export_fields` and `export_formatter`). `cell()` is
the definition of a cell; the plan gives the same value (tests compare them).
"""

from .cells import CHUNK, XLSX, XLSX_MAX_ROWS, cell, exported_columns, local_naive, plain, table_data
from .plan import CodeColumn, ExportColumn, ExportPlan
from .writers import csv_chunks, csv_text, write_xlsx, xlsx_bytes, xlsx_file

__all__ = ["CHUNK", "XLSX", "XLSX_MAX_ROWS", "CodeColumn", "ExportColumn", "ExportPlan", "cell", "csv_chunks",
           "csv_text", "exported_columns", "local_naive", "plain", "table_data", "write_xlsx", "xlsx_bytes",
           "xlsx_file"]
