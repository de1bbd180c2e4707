"""Hostile input and output (issue 10, point 3) in work plan XLSX: inert export, neutralised import, bombs."""

import io
import zipfile
from datetime import date

from openpyxl import load_workbook

from projects.models import Task

from .helpers import opened_project, work_plan

FORMULA = '=HYPERLINK("http://evil.example","x")'


def test_work_plan_xlsx_is_inert_both_ways(demo, client_for):
    project = opened_project(demo)
    plan = work_plan(project, demo, tasks=2)
    Task.objects.filter(work_plan=plan, name="任务 1").update(name=FORMULA)  # however it got there
    client = client_for("pm")
    book = load_workbook(io.BytesIO(client.get(f"/projects/workplan/{plan.pk}/xlsx/").content))
    sheet = book.worksheets[0]
    cell = sheet.cell(row=2, column=3)
    assert cell.value == FORMULA and cell.data_type == "s"

    sheet.append(["3", "", "@SUM(1+1)", "-2+3", "member", "", date(2026, 3, 2), date(2026, 3, 3), 8, "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    assert client.post(f"/projects/workplan/{plan.pk}/import/", {"file": buffer}).status_code == 302
    names = set(plan.tasks.values_list("name", "deliverable"))
    assert ("'" + FORMULA, "") in names and ("'@SUM(1+1)", "'-2+3") in names


def test_work_plan_import_refuses_a_compressed_file_bomb(demo, client_for):
    plan = work_plan(opened_project(demo), demo, tasks=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(16):
                member.write(b"\0" * (1 << 20))
    buffer.seek(0)
    buffer.name = "bomb.xlsx"
    response = client_for("pm").post(f"/projects/workplan/{plan.pk}/import/", {"file": buffer}, follow=True)
    assert "compressed-file bomb" in response.content.decode()
    assert plan.tasks.count() == 1


def test_work_plan_import_refuses_formulas_never_calculated(demo, client_for):
    """openpyxl writes a formula without its result: read as a blank, the effort would silently become 0."""
    plan = work_plan(opened_project(demo), demo, tasks=1)
    client = client_for("pm")
    book = load_workbook(io.BytesIO(client.get(f"/projects/workplan/{plan.pk}/xlsx/").content))
    book.worksheets[0].append(["2", "", "复核", "", "member", "", date(2026, 3, 2), date(2026, 3, 3), "=2*4", "", "",
                               ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.xlsx"
    response = client.post(f"/projects/workplan/{plan.pk}/import/", {"file": buffer}, follow=True)
    body = response.content.decode()
    assert "Row 3" in body and "Cell I3" in body and "formulas that were never calculated" in body
    assert plan.tasks.count() == 1
