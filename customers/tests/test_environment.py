"""Customers' contacts, IT environment and operating data (SP-4.1.1, SP-4.1.2): pages, API, file import."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core import records
from core.choices import AuditAction
from core.context import acting_as
from core.models import AuditEntry
from customers import importer
from customers.models import ConfigurationItem, Contact, Customer, OperatingData

ITEMS_CSV = (
    "类型,名称,型号/版本,数量,位置,备注\n"
    "服务器,核心业务数据库服务器,Huawei TaiShan 200 / Oracle 19c,4,总行数据中心 A 机房,双机热备\n"
    "network,核心交换机,Huawei S12700,2,总行数据中心,\n"
    "应用系统,网上银行系统,V5.2,1,总行数据中心,7x24 对外服务\n"
)


def upload(text, name="items.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx(rows, name="operating.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def bank(db, demo):
    return Customer.objects.get(code="hzbank")


def test_items_import_creates_then_is_idempotent_then_updates(bank, demo):
    sales = demo["sales"]
    result = importer.run(bank, "items", upload(ITEMS_CSV), "items.csv", sales)
    assert result.ok and (result.created, result.updated, result.unchanged) == (3, 0, 0), result.errors
    db = bank.configuration_items.get(name="核心业务数据库服务器")
    assert db.kind == "server" and db.count == 4 and db.location == "总行数据中心 A 机房"
    assert bank.configuration_items.get(name="网上银行系统").kind == "application"

    again = importer.run(bank, "items", upload(ITEMS_CSV), "items.csv", sales)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    changed = importer.run(bank, "items", upload(ITEMS_CSV.replace(",4,", ",6,")), "items.csv", sales)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    db.refresh_from_db()
    assert db.count == 6
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, content_type__model="configurationitem",
                                     object_id=str(db.pk)).exists()
    bulk = AuditEntry.objects.filter(action=AuditAction.BULK, object_id=str(bank.pk)).order_by("-seq").first()
    assert bulk.changes["updated"] == 1 and len(bulk.changes["sha256"]) == 64


def test_operating_data_from_xlsx_with_english_headers_and_months(bank, demo):
    rows = [["period", "tickets", "incidents", "major_incidents", "availability", "downtime_minutes"],
            ["2026-07", 640, 90, 1, "99.95%", 22],
            [date(2026, 8, 15), 610, 80, 0, 99.98, None],
            ["2026年9月", 655, 88, 2, "99.9", 41]]
    result = importer.run(bank, "operating", xlsx(rows), "operating.xlsx", demo["svc_staff"])
    assert result.ok, result.errors
    months = {o.period: o for o in bank.operating_data.all()}
    assert set(months) == {date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)}
    assert str(months[date(2026, 7, 1)].availability_percent) == "99.950"
    assert months[date(2026, 8, 1)].downtime_minutes is None


@pytest.mark.parametrize("line,column,text", [
    ("服务器,数据库服务器,X,四台,机房,", "数量", "not a whole number"),
    ("大型机,主机A,X,1,机房,", "类型", "Unknown kind"),
    ("服务器,,X,1,机房,", "名称", "required"),
    ("服务器,核心业务数据库服务器,X,1,机房,", "名称", "Listed twice in this file (first on row 2)"),
    ("服务器,数据库服务器,X,0,机房,", "数量", "at least 1"),
])
def test_a_bad_row_names_row_and_column_and_nothing_is_written(bank, demo, line, column, text):
    before = ConfigurationItem.objects.count()
    content = "类型,名称,型号/版本,数量,位置,备注\n服务器,核心业务数据库服务器,X,4,机房,\n" + line + "\n"
    result = importer.run(bank, "items", upload(content), "items.csv", demo["sales"])
    assert not result.ok
    problem = result.errors[0]
    assert (problem.row, problem.column) == (3, column) and text in problem.message, result.errors
    assert ConfigurationItem.objects.count() == before


def test_bad_operating_rows_over_the_api_are_refused_whole(bank, client_for):
    content = ("月份,工单量,事件数,重大事件数,可用性(%)\n"
               "2026-07,600,80,1,99.9\n"
               "2026-13,600,80,1,99.9\n"
               "2026-08,600,10,20,99.9\n"
               "2026-09,600,80,1,101\n")
    response = client_for("sales").post(f"/api/customers/{bank.pk}/import/",
                                        {"kind": "operating", "file": upload(content, "op.csv")})
    assert response.status_code == 400, response.content
    errors = {(e["row"], e["column"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(3, "月份", "period"), (4, "重大事件数", "major_incident_count"),
                      (5, "可用性(%)", "availability_percent")}
    assert not OperatingData.objects.filter(customer=bank).exists()


def test_missing_required_column_and_wrong_file_type(bank, demo):
    result = importer.run(bank, "items", upload("名称,数量\nA,1\n"), "items.csv", demo["sales"])
    assert not result.ok and "kind" in result.errors[0].message
    wrong = importer.run(bank, "items", upload("x"), "items.pdf", demo["sales"])
    assert not wrong.ok and ".xlsx" in wrong.errors[0].message


def unreadable_files():
    """Files the readers cannot read (core.tabular): (upload, the row and the column the report must name)."""
    head = "类型,名称,型号/版本,数量,位置,备注\n服务器,核心业务数据库服务器,X,4,机房,\n"
    rows = "".join(f"服务器,服务器 {n},X,1,机房,\n" for n in range(2000))  # fine UTF-8 past 64 KB
    undecodable = SimpleUploadedFile("items.csv", (head + rows + "服务器,交换机,X,1,").encode() + b"\xff\xfe,\n")
    too_long = upload(head + "服务器,交换机,X,1,机房," + "长" * 131073 + "\n")
    formula = xlsx([["类型", "名称", "数量"], ["服务器", "数据库服务器", 1], ["服务器", "交换机", "=B3+1"]],
                   "items.xlsx")
    return [(undecodable, 2003, "位置", "not UTF-8"), (too_long, 3, "备注", "longer than"),
            (formula, 3, "数量", "never calculated")]


@pytest.mark.parametrize("index", range(3), ids=["undecodable", "field over the limit", "formula"])
def test_a_file_that_cannot_be_read_names_row_and_column_and_is_audited(bank, demo, index):
    data, row, column, text = unreadable_files()[index]
    before = ConfigurationItem.objects.count()
    result = importer.run(bank, "items", data, data.name, demo["sales"])
    assert [(e.row, e.column) for e in result.errors] == [(row, column)] and text in result.errors[0].message
    assert ConfigurationItem.objects.count() == before
    entry = AuditEntry.objects.filter(action=AuditAction.BULK, object_id=str(bank.pk)).latest("seq")
    assert entry.changes["errors"] == 1 and entry.changes["file"] == data.name


def test_gb18030_csv_from_excel_is_read(bank, demo):
    result = importer.run(bank, "items", upload(ITEMS_CSV, encoding="gb18030"), "items.csv", demo["sales"])
    assert result.ok and result.created == 3, result.errors


def test_templates_download_and_read_back(client_for, bank, demo):
    client = client_for("auditor", language="zh-hans")
    response = client.get("/customers/import-template/items/?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header == ["类型", "名称", "型号/版本", "数量", "位置", "备注"]
    assert len(book.worksheets) == 2
    csv_template = client_for("sales").get("/api/customers/import-template/?kind=operating&file_format=csv")
    assert csv_template.status_code == 200 and csv_template.content.decode("utf-8-sig").startswith("period,")
    # A filled-in template imports.
    sheet = book.worksheets[0]
    sheet.append(["存储", "集中存储", "Huawei OceanStor 5500", 2, "灾备中心", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    result = importer.run(bank, "items", SimpleUploadedFile("t.xlsx", buffer.getvalue()), "t.xlsx", demo["sales"])
    assert result.ok and bank.configuration_items.get(name="集中存储").kind == "storage"


def test_import_page_shows_the_problems_and_then_imports(client_for, bank):
    client = client_for("svc_staff")
    page = client.get(f"/customers/customer/{bank.pk}/import/?kind=items")
    assert page.status_code == 200 and 'id="template-items-xlsx"' in page.content.decode()
    bad = client.post(f"/customers/customer/{bank.pk}/import/",
                      {"kind": "items", "file": upload(ITEMS_CSV + "服务器,X,,-1,,\n")})
    html = bad.content.decode()
    assert bad.status_code == 200 and 'id="import-errors"' in html
    assert '<tr class="import-error"><td>5</td><td>数量</td>' in html, html
    assert not ConfigurationItem.objects.filter(customer=bank).exists()
    good = client.post(f"/customers/customer/{bank.pk}/import/", {"kind": "items", "file": upload(ITEMS_CSV)})
    assert good.status_code == 302
    detail = client.get(f"/customers/customer/{bank.pk}/").content.decode()
    assert "核心业务数据库服务器" in detail and 'id="configuration-items"' in detail


@pytest.mark.parametrize("username", ["auditor", "commerce", "pm"])
def test_who_may_not_import(client_for, bank, username):
    client = client_for(username)  # refused by the matrix; the PM does not even see a customer of no project of theirs
    assert client.get(f"/customers/customer/{bank.pk}/import/").status_code in (403, 404)
    response = client.post(f"/api/customers/{bank.pk}/import/", {"kind": "items", "file": upload(ITEMS_CSV)})
    assert response.status_code in (403, 404)
    assert not ConfigurationItem.objects.filter(customer=bank).exists()


def test_contacts_and_rows_through_pages_and_api(client_for, bank):
    sales = client_for("sales")
    response = sales.post("/customers/contact/add/", {"customer": bank.pk, "name": "钱志远",
                                                      "job_title": "信息科技部总经理", "phone": "0571-88886666",
                                                      "primary": "on"})
    assert response.status_code == 302
    assert Contact.objects.get(name="钱志远").primary
    api = sales.post("/api/customers/operating-data/", {"customer": bank.pk, "period": "2026-10-01",
                                                        "ticket_volume": 700, "incident_count": 5,
                                                        "major_incident_count": 9}, content_type="application/json")
    assert api.status_code == 400 and "major_incident_count" in api.json()
    ok = sales.post("/api/customers/operating-data/", {"customer": bank.pk, "period": "2026-10-01",
                                                       "ticket_volume": 700, "incident_count": 5},
                    content_type="application/json")
    assert ok.status_code == 201, ok.content
    page = client_for("auditor").get(f"/customers/customer/{bank.pk}/").content.decode()
    assert "钱志远" in page and "2026-10" in page and 'id="add-contact"' not in page


def _make_rows(admin, customer, n, start):
    with acting_as(admin):
        for i in range(start, start + n):
            records.create(ConfigurationItem(customer=customer, kind="server", name=f"srv-{i}", count=1), admin)
            records.create(Contact(customer=customer, name=f"联系人{i}"), admin)


def test_query_counts_do_not_grow_with_rows(client_for, demo, bank, queries_of):
    client = client_for("admin")
    urls = ("/customers/configurationitem/?per_page=500", "/api/customers/configuration-items/?limit=500",
            "/customers/contact/?per_page=500", "/api/customers/contacts/?limit=500",
            f"/customers/customer/{bank.pk}/")
    _make_rows(demo["admin"], bank, 10, 0)
    small = [queries_of(client, url) for url in urls]
    _make_rows(demo["admin"], bank, 40, 10)
    large = [queries_of(client, url) for url in urls]
    assert large == small, f"queries grew with rows: {small} -> {large}"
