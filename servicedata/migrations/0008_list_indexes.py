"""The global ticket list's order (created, id) served by an index; ticket search through an index (see search.py)."""

from django.db import migrations, models


def install_search(apps, schema_editor):
    from servicedata import search

    search.install(schema_editor.connection)


def uninstall_search(apps, schema_editor):
    from servicedata import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False  # CREATE EXTENSION and a GIN build on a large table; nothing here needs one transaction

    dependencies = [
        ("servicedata", "0007_rollup"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["created", "id"], name="sd_ticket_created_id"),
        ),
        migrations.RunPython(install_search, uninstall_search, elidable=False),
    ]
