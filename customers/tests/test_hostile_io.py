"""Hostile input (issue 10, point 3) in customer files: formulas are stored neutralised; GB18030 is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers import importer
from customers.models import Customer

CSV = (
    "类型,名称,型号/版本,数量,位置,备注\n"
    "服务器,=cmd|' /C calc'!A0,V1,2,@SUM(A1),-2+3\n"
    "network,核心交换机,Huawei S12700,5,总行数据中心,\n"
)


@pytest.fixture
def bank(db, demo):
    return Customer.objects.get(code="hzbank")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_imported_formulas_are_stored_neutralised(bank, demo, encoding):
    upload = SimpleUploadedFile("items.csv", CSV.encode(encoding), content_type="text/csv")
    result = importer.run(bank, "items", upload, "items.csv", demo["sales"])
    assert result.ok, result.errors
    item = bank.configuration_items.get(model_version="V1")
    assert (item.name, item.location, item.notes) == ("'=cmd|' /C calc'!A0", "'@SUM(A1)", "'-2+3")
    assert bank.configuration_items.filter(name="核心交换机").exists()
