"""Small helpers for service data tests: CSV files and imports through the real pipeline."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from core.context import acting_as
from servicedata.columns import open_ticket_reader
from servicedata.importer import TicketImport

HEADER = ["external_id", "priority", "kind", "created", "first_response", "resolved", "closed", "category", "pauses"]


def csv_bytes(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    return out.getvalue().encode("utf-8")


def import_bytes(contract, user, data, fmt="csv", **kwargs):
    with acting_as(user):
        reader = open_ticket_reader(fmt, io.BytesIO(data), len(data))
        importer = TicketImport(contract, user, **kwargs)
        return importer.run(reader.rows, name=f"test.{fmt}", sha256="x",
                            ignored_columns=lambda: reader.ignored_columns)


def import_records(contract, user, records, **kwargs):
    with acting_as(user):
        return TicketImport(contract, user, **kwargs).run(lambda: enumerate(records, start=1), name="records")


def upload(name, data, content_type="text/csv"):
    return SimpleUploadedFile(name, data, content_type=content_type)
