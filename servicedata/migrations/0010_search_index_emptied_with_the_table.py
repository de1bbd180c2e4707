"""SQLite: the ticket search index's delete trigger empties the index with the table, whichever row goes last
(see search.py). The triggers are replaced and the index rebuilt from the table, which also repairs an index a
flush left holding rows the table no longer had."""

from django.db import migrations


def reinstall_search(apps, schema_editor):
    from servicedata import search

    if schema_editor.connection.vendor == "sqlite":
        search.uninstall(schema_editor.connection)
        search.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("servicedata", "0009_pause_order_by_column"),
    ]

    operations = [
        migrations.RunPython(reinstall_search, migrations.RunPython.noop, elidable=False),
    ]
