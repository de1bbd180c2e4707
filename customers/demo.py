"""Demo customers: three with a contract each, and one (温州水务) with its IT environment and operating data,
whose requirement runs through the whole procedure (presales.demo onwards). Idempotent; audited."""

from datetime import date

from core import records
from core.context import acting_as
from core.demo import REQUEST_ID

from .models import ConfigurationItem, Contact, Customer, OperatingData

CUSTOMERS = [
    ("hzbank", "杭州联合银行", "Hangzhou United Bank", "金融"),
    ("szmetro", "苏州轨道交通集团", "Suzhou Rail Transit Group", "交通"),
    ("nbhospital", "宁波第一医院", "Ningbo No.1 Hospital", "医疗"),
    ("wzwater", "温州市水务集团", "Wenzhou Water Group", "公用事业"),
]

ADDRESSES = {"hzbank": "浙江省杭州市上城区钱江路 58 号", "szmetro": "江苏省苏州市姑苏区干将西路 668 号",
             "nbhospital": "浙江省宁波市海曙区柳汀街 59 号", "wzwater": "浙江省温州市鹿城区府前街 28 号"}
ENVIRONMENT_OF = "wzwater"
CONTACTS = [("林国栋", "信息中心主任", "信息中心", "0577-88926601", True),
            ("陈晓燕", "信息中心运维组长", "信息中心", "0577-88926605", False)]
ITEMS = [
    ("server", "营收系统应用服务器", "Dell PowerEdge R750 / CentOS 7.9", 6, "总部数据中心 A 机房"),
    ("server", "营收数据库服务器", "Huawei TaiShan 200 / Oracle 19c RAC", 2, "总部数据中心 A 机房"),
    ("application", "营业收费系统", "V6.2", 1, "总部数据中心"),
    ("application", "客服热线系统", "V3.0", 1, "总部数据中心"),
    ("network", "核心交换机", "Huawei S12708", 2, "总部数据中心"),
    ("storage", "集中存储", "Huawei OceanStor 5500 V5", 1, "总部数据中心"),
]
OPERATING = [(date(2026, 7, 1), 820, 96, 2, "99.860", 58), (date(2026, 8, 1), 790, 88, 1, "99.910", 35),
             (date(2026, 9, 1), 845, 102, 2, "99.880", 49)]


def load(context):
    sales = context.users["sales"]
    with acting_as(sales, request_id=REQUEST_ID):
        for code, name, name_en, industry in CUSTOMERS:
            if not Customer.objects.filter(code=code).exists():
                records.create(Customer(code=code, name=name, name_en=name_en, industry=industry,
                                        address=ADDRESSES[code]), sales)
        _environment(Customer.objects.get(code=ENVIRONMENT_OF), sales)


def _environment(customer, sales):
    for name, title, department, phone, primary in CONTACTS:
        if not customer.contacts.filter(name=name).exists():
            records.create(Contact(customer=customer, name=name, job_title=title, department=department,
                                   phone=phone, primary=primary), sales)
    for kind, name, model_version, count, location in ITEMS:
        if not customer.configuration_items.filter(kind=kind, name=name).exists():
            records.create(ConfigurationItem(customer=customer, kind=kind, name=name, model_version=model_version,
                                             count=count, location=location), sales)
    for period, tickets, incidents, major, availability, downtime in OPERATING:
        if not customer.operating_data.filter(period=period).exists():
            records.create(OperatingData(customer=customer, period=period, ticket_volume=tickets,
                                         incident_count=incidents, major_incident_count=major,
                                         availability_percent=availability, downtime_minutes=downtime), sales)
