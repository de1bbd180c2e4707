"""List exports (CSV, XLSX) as files people open in Excel, WPS and LibreOffice: typed cells in the reader's time
zone, numbers as numbers, yes/no in words, no markup, widths fitted, a filter on a frozen header (issue 11)."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.models import Contract
from servicedata.models import Ticket

pytestmark = pytest.mark.django_db


def xlsx(client, url, **params):
    response = client.get(url, {"export": "xlsx", **params})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.getvalue())).active


def csv_rows(client, url, **params):
    text = client.get(url, {"export": "csv", **params}).getvalue().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def column(sheet, header):
    headers = [str(c.value).lower() for c in sheet[1]]
    return headers.index(header.lower()) + 1


def test_contract_list_xlsx_has_typed_cells_filter_and_widths(demo, client_for):
    client = client_for("sales", "zh-hans")
    sheet = xlsx(client, reverse("contracts:contract_list"))
    contracts = {c.number: c for c in Contract.objects.all()}
    number, value, start, updated = (column(sheet, h) for h in ("文件编号", "合同金额（元）", "开始日期", "更新"))
    rows = list(sheet.iter_rows(min_row=2))
    assert rows
    for row in rows:
        shown = row[number - 1].value
        assert shown in contracts and "<" not in shown  # the number, not the link around it
        contract = contracts[shown]
        amount = row[value - 1]
        assert amount.data_type == "n" and Decimal(str(amount.value)) == contract.value
        assert row[start - 1].is_date and row[start - 1].value.date() == contract.start_date
        when = row[updated - 1]
        assert when.is_date and when.value == timezone.localtime(contract.updated).replace(tzinfo=None,
                                                                                           microsecond=0)
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.freeze_panes == "A2"
    widths = {sheet.cell(1, c).column_letter: sheet.column_dimensions[sheet.cell(1, c).column_letter].width
              for c in range(1, sheet.max_column + 1)}
    assert widths[sheet.cell(1, column(sheet, "标题")).column_letter] > widths[sheet.cell(1, number).column_letter]


def test_csv_reads_as_the_page_local_minutes_words_no_markup(demo, client_for):
    contract = Contract.objects.order_by("pk").first()
    late_evening = datetime(2026, 11, 29, 20, 30, 15, 123456, tzinfo=UTC)  # 2026-11-30 04:30 in Beijing
    Contract.objects.filter(pk=contract.pk).update(updated=late_evening)
    client = client_for("sales", "zh-hans")
    rows = csv_rows(client, reverse("contracts:contract_list"))
    header, body = [h.lower() for h in rows[0]], rows[1:]
    row = next(r for r in body if r[header.index("文件编号")] == contract.number)
    assert row[header.index("更新")] == "2026-11-30 04:30"
    assert row[header.index("合同金额（元）")] == f"{contract.value:f}"
    text = "\n".join(",".join(r) for r in rows)
    assert "<a" not in text and "+00:00" not in text and "None" not in text
    sheet = xlsx(client, reverse("contracts:contract_list"))
    cells = {r[column(sheet, "文件编号") - 1].value: r[column(sheet, "更新") - 1].value
             for r in sheet.iter_rows(min_row=2)}
    assert cells[contract.number] == datetime(2026, 11, 30, 4, 30, 15)


def test_ticket_list_times_are_local_date_cells(demo, client_for):
    ticket = Ticket.objects.exclude(resolved=None).order_by("pk").first()
    client = client_for("auditor", "en")
    sheet = xlsx(client, reverse("servicedata:ticket_list"), q=ticket.external_id)
    created = column(sheet, "Created")
    row = next(r for r in sheet.iter_rows(min_row=2) if r[column(sheet, "External id") - 1].value
               == ticket.external_id)
    assert row[created - 1].is_date
    assert row[created - 1].value == timezone.localtime(ticket.created).replace(tzinfo=None, microsecond=0)
    assert row[created - 1].number_format == "yyyy-mm-dd hh:mm"


def test_yes_no_in_words_in_the_readers_language(demo, client_for):
    from customers.models import Customer

    url = reverse("customers:customer_list")
    active = Customer.objects.filter(active=True).first()
    for language, yes in (("zh-hans", "是"), ("en", "Yes")):
        client = client_for("sales", language)
        rows = csv_rows(client, url)
        header = [h.lower() for h in rows[0]]
        row = next(r for r in rows[1:] if active.name in r)
        assert row[header.index("启用" if language == "zh-hans" else "active")] == yes
        sheet = xlsx(client, url)
        cells = [r[column(sheet, "启用" if language == "zh-hans" else "active") - 1].value
                 for r in sheet.iter_rows(min_row=2)]
        assert yes in cells and True not in cells and "True" not in cells
