"""Shared fixtures: the demo company, a client signed in as any role, and skip rules.

Outside CI a test that needs a missing service (Chromium, poppler, PostgreSQL)
skips and says why; with CI=true the same test fails instead, so nothing is
silently skipped in CI.
"""

import io
import os

import pytest
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() == "true"


def suite_engine() -> str:
    """The database this run of the suite is on (DATABASE_URL, as the settings read it)."""
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) else "sqlite"


def pytest_collection_modifyitems(config, items):
    """A test marked `engine("sqlite")` (or "postgresql") checks what only that database has (SQLite's FTS5 triggers,
    the cluster on PostgreSQL): it belongs to that run of the suite and is left out of the other, not skipped (CI runs
    both, so it always runs once)."""
    engine = suite_engine()
    kept, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("engine")
        (left_out if marker and marker.args[0] != engine else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def require(condition: bool, why: str):
    """Skip outside CI, fail in CI, when a needed service or tool is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


class TableCopy:
    """Every table's rows, copied table by table, to put back after a transactional test (a browser test, a
    concurrency test) flushed the database: the demo company right after it is loaded (`DEMO`), or data a test module
    built on it through the services. A copy comes back in seconds where building the data again (rendering its PDFs,
    computing its clocks) takes a minute. PostgreSQL copies with COPY, SQLite with plain SELECT and INSERT; foreign
    keys are deferred to the commit, so the order of the tables is free."""

    def __init__(self):
        self.rows = None

    @staticmethod
    def tables(connection):
        return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))

    def take(self):
        from django.db import connection

        taken = {}
        with connection.cursor() as cursor:
            for table in self.tables(connection):
                name = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {name} TO STDOUT") as copy:
                        taken[table] = b"".join(bytes(block) for block in copy)
                else:
                    cursor.execute(f"SELECT * FROM {name}")
                    taken[table] = ([column[0] for column in cursor.description],
                                    [tuple(map(self.stored, row)) for row in cursor.fetchall()])
        self.rows = taken

    @staticmethod
    def stored(value):
        """A value read from SQLite as it is stored (Django's converters made dates, times and decimals of it)."""
        return value if value is None or isinstance(value, str | int | float | bytes) else str(value)

    def put_back(self):
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import connection, transaction

        with transaction.atomic(), connection.cursor() as cursor:
            tables = self.tables(connection)
            for statement in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
                cursor.execute(statement)  # what the flush's post-migrate signal wrote (content types)
            for table, rows in self.rows.items():
                name = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
                        copy.write(rows)
                elif rows[1]:
                    columns, values = rows
                    cursor.executemany(f"INSERT INTO {name} ({', '.join(map(connection.ops.quote_name, columns))}) "
                                       f"VALUES ({', '.join(['%s'] * len(columns))})", values)
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                cursor.execute(statement)
        ContentType.objects.clear_cache()


DEMO = TableCopy()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo company once per test database; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=io.StringIO())
        DEMO.take()


@pytest.fixture
def demo(db):
    """The demo users by user name. Put back from its copy when a transactional test flushed the database."""
    from org.models import User

    if not User.objects.filter(username="admin").exists():
        DEMO.put_back()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture(autouse=True)
def english_messages(request):
    """Unit tests read messages in English (the source language); Chinese is tested on purpose where it matters.

    Browser tests are left alone: they run the UI in its default language, Chinese.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client, demo):
    """client_for("svc_manager", language="en") -> a test client signed in as that demo user."""
    from django.test import Client

    def make(username, language="en"):
        c = Client(headers={"accept-language": language})
        c.force_login(demo[username])
        return c

    return make


@pytest.fixture
def queries_of():
    """queries_of(client, url, params=None) -> how many SQL statements a successful GET ran (query budgets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url, params=None):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params or {})
        assert response.status_code == 200, url
        return len(captured.captured_queries)

    return count
