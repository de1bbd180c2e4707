"""Ticket search through an index: a trigram GIN index on PostgreSQL, an FTS5 trigram table on SQLite.

`q` is split into words; a ticket matches when every word occurs (any case) in its summary, external id (the
ticket number), category or configuration item. PostgreSQL: `UPPER(col) LIKE '%WORD%'` per column, served by the
multi-column GIN index `sd_ticket_search_trgm` (pg_trgm), the planner combining the columns with BitmapOr.
SQLite: words of three or more characters are matched in `servicedata_ticket_fts` (FTS5, trigram tokenizer, so
substrings and Chinese text match as on PostgreSQL); shorter words (a trigram index cannot hold them) are compared
on the table. The FTS table holds no copy of the text (external content: the ticket table) and is kept right by
triggers on insert, delete and an update of those four columns, so the bulk import's raw SQL keeps it current too.
"""

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL

SEARCH_COLUMNS = ("summary", "external_id", "category", "configuration_item")
MAX_WORDS = 8
FTS_TABLE = "servicedata_ticket_fts"
TRIGRAM_INDEX = "sd_ticket_search_trgm"
TRIGGERS = ("servicedata_ticket_fts_insert", "servicedata_ticket_fts_delete", "servicedata_ticket_fts_update")


def search_tickets(queryset, text):
    words = text.split()[:MAX_WORDS]
    if connections[queryset.db].vendor == "sqlite":
        indexed = [word for word in words if len(word) >= 3]
        if indexed:
            match = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
            queryset = queryset.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                                                     [match]))
        words = [word for word in words if len(word) < 3]
    for word in words:
        any_column = Q()
        for column in SEARCH_COLUMNS:
            any_column |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(any_column)
    return queryset


# ---- the index itself (migration 0007 and post_migrate) -----------------------------------------------------------

def _columns(prefix=""):
    return ", ".join(prefix + column for column in SEARCH_COLUMNS)


def sqlite_statements():
    new, old = _columns("new."), _columns("old.")
    remove = (f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns()}) VALUES ('delete', old.id, {old});")
    add = f"INSERT INTO {FTS_TABLE}(rowid, {_columns()}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_columns()}, content='servicedata_ticket', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS servicedata_ticket_fts_insert AFTER INSERT ON servicedata_ticket "
        f"BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS servicedata_ticket_fts_delete AFTER DELETE ON servicedata_ticket "
        f"BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS servicedata_ticket_fts_update AFTER UPDATE OF {_columns()} "
        f"ON servicedata_ticket BEGIN {remove} {add} END",
    ]


def postgresql_statements():
    columns = ", ".join(f"(UPPER({column}::text)) gin_trgm_ops" for column in SEARCH_COLUMNS)
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON servicedata_ticket USING gin ({columns})"]


def install(connection):
    """Create the search index for the connection's database (idempotent); SQLite fills it from the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in postgresql_statements():
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in sqlite_statements():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
        elif connection.vendor == "sqlite":
            for trigger in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def ensure(connection):
    """After migrate: SQLite rebuilds a table to alter it, which drops its triggers; put them back and refill.

    Returns whether anything had to be repaired.
    """
    if connection.vendor != "sqlite" or "servicedata_ticket" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table') AND name IN (%s, %s, %s, %s)",
                       [FTS_TABLE, *TRIGGERS])
        present = {row[0] for row in cursor.fetchall()}
    if present >= {FTS_TABLE, *TRIGGERS}:
        return False
    install(connection)
    return True
