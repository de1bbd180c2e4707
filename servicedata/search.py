"""Ticket search through an index: a trigram GIN index on PostgreSQL, an FTS5 trigram table on SQLite.

`q` is split into words; a ticket matches when every word occurs (any case) in its summary, external id (the
ticket number), category or configuration item. PostgreSQL: `UPPER(col) LIKE '%WORD%'` per column, served by the
multi-column GIN index `sd_ticket_search_trgm` (pg_trgm), the planner combining the columns with BitmapOr.
SQLite: words of three or more characters are matched in `servicedata_ticket_fts` (FTS5, trigram tokenizer, so
substrings and Chinese text match as on PostgreSQL); shorter words (a trigram index cannot hold them) are compared
on the table. The FTS table holds no copy of the text (external content: the ticket table).

Indexing a row's trigrams costs SQLite about three times the row's own INSERT (measured: 24k -> 6k rows/s), so
new rows are not indexed by a trigger on the import's path: the index covers tickets up to a high-water mark
(`servicedata_ticket_fts_mark`), a task run after each import (`tickets_imported`) indexes the rows above it, and
a search also compares the few rows above the mark on the table, so it is exact at every moment. Updates of the
four columns and deletions of indexed rows are kept by triggers (they are rare: a re-import's changed tickets);
emptying the table (a flush) empties the index.
"""

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django_tasks import task

SEARCH_COLUMNS = ("summary", "external_id", "category", "configuration_item")
MAX_WORDS = 8
FTS_TABLE = "servicedata_ticket_fts"
MARK_TABLE = "servicedata_ticket_fts_mark"
TRIGRAM_INDEX = "sd_ticket_search_trgm"
TRIGGERS = ("servicedata_ticket_fts_delete", "servicedata_ticket_fts_update")


def search_tickets(queryset, text):
    words = text.split()[:MAX_WORDS]
    if connections[queryset.db].vendor == "sqlite":
        indexed = [word for word in words if len(word) >= 3]
        if indexed:
            match = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
            in_index = Q(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]))
            not_yet_indexed = Q(pk__gt=RawSQL(f"SELECT indexed_to FROM {MARK_TABLE}", []))
            queryset = queryset.filter(in_index | (not_yet_indexed & _every_word(indexed)))
        words = [word for word in words if len(word) < 3]
    return queryset.filter(_every_word(words)) if words else queryset


def _every_word(words):
    condition = Q()
    for word in words:
        any_column = Q()
        for column in SEARCH_COLUMNS:
            any_column |= Q(**{f"{column}__icontains": word})
        condition &= any_column
    return condition


def catch_up(connection):
    """Index the tickets above the high-water mark (SQLite; elsewhere nothing to do). Returns how many."""
    if connection.vendor != "sqlite":
        return 0
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"SELECT indexed_to FROM {MARK_TABLE}")
        mark = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM servicedata_ticket")
        top = cursor.fetchone()[0] or 0
        if top <= mark:
            return 0
        cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, {_columns()}) SELECT id, {_columns()} "
                       "FROM servicedata_ticket WHERE id > %s AND id <= %s", [mark, top])
        cursor.execute(f"UPDATE {MARK_TABLE} SET indexed_to = %s", [top])
        return top - mark


# ---- the index itself (migration 0007 and post_migrate) -----------------------------------------------------------

def _columns(prefix=""):
    return ", ".join(prefix + column for column in SEARCH_COLUMNS)


def sqlite_statements():
    new, old = _columns("new."), _columns("old.")
    is_indexed = f"old.id <= (SELECT indexed_to FROM {MARK_TABLE})"  # rows above the mark are not in it yet
    remove = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns()}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {FTS_TABLE}(rowid, {_columns()}) VALUES (new.id, {new});"
    emptied = "NOT EXISTS (SELECT 1 FROM servicedata_ticket)"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_columns()}, content='servicedata_ticket', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TABLE IF NOT EXISTS {MARK_TABLE} (indexed_to integer NOT NULL)",
        # A deleted row leaves the index if it was in it. FTS5 must be told exactly what it indexed: a 'delete' of a
        # row it does not hold corrupts it. So when the table is emptied (a flush, after which rows may come back
        # with their old ids), the index is emptied and the mark goes to 0, whichever row was deleted last (one
        # above the mark, not yet indexed, included).
        f"CREATE TRIGGER IF NOT EXISTS servicedata_ticket_fts_delete AFTER DELETE ON servicedata_ticket BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_columns()}) SELECT 'delete', old.id, {old} WHERE {is_indexed}; "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) SELECT 'delete-all' WHERE {emptied}; "
        f"UPDATE {MARK_TABLE} SET indexed_to = 0 WHERE {emptied}; END",
        f"CREATE TRIGGER IF NOT EXISTS servicedata_ticket_fts_update AFTER UPDATE OF {_columns()} "
        f"ON servicedata_ticket WHEN {is_indexed} BEGIN {remove} {add} END",
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
            cursor.execute(f"DELETE FROM {MARK_TABLE}")
            cursor.execute(f"INSERT INTO {MARK_TABLE} (indexed_to) SELECT coalesce(max(id), 0) FROM servicedata_ticket")
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
        elif connection.vendor == "sqlite":
            for trigger in (*TRIGGERS, "servicedata_ticket_fts_insert"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {MARK_TABLE}")


def ensure(connection):
    """After migrate: SQLite rebuilds a table to alter it, which drops its triggers; put them back and refill.

    Returns whether anything had to be repaired.
    """
    if connection.vendor != "sqlite" or "servicedata_ticket" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table') AND name IN (%s, %s, %s, %s)",
                       [FTS_TABLE, MARK_TABLE, *TRIGGERS])
        present = {row[0] for row in cursor.fetchall()}
    if present >= {FTS_TABLE, MARK_TABLE, *TRIGGERS}:
        return False
    install(connection)
    return True


@task()
def catch_up_task():
    """After an import: index its new tickets (SQLite), off the import's own path."""
    from django.db import connection

    return catch_up(connection)


def on_tickets_imported(sender, **kwargs):
    from django.db import connection

    if connection.vendor == "sqlite":
        catch_up_task.enqueue()
