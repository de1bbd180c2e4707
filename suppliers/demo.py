"""The supplier register's part of the demo company (SP-2.6), written through the services as Commerce would:

* the Commerce Department's manager 钱立新 (a second Commerce user: an evaluation or list is approved by someone
  other than its author), head of the department;
* five suppliers with contacts and certificates: 华信 (servers and storage), 中科 (its partner authorisation lapses
  within the warning window of the demo's today: flagged), 软创 (software), 迅捷 (a subcontractor evaluated below the
  pass mark: not qualified) and 东方 (new, not evaluated: not qualified, its first evaluation being scored);
* deliveries of the past year (on time and late, with defects) that the approved evaluations read;
* approved evaluations scored by Commerce and the Service Department manager, blind;
* the approved qualified supplier list 合格供方名录 filled from them.

Suppliers are found by code (`huaxin`, `zhongke`, `ruanchuang`, `xunjie`, `dongfang`): procurement's demo buys from
them. Idempotent: each is looked up first.
"""

from datetime import timedelta
from decimal import Decimal

from core import records, rows, workflow
from core.context import acting_as
from core.demo import DEMO_PASSWORD, REQUEST_ID
from core.roles import Role

from . import services, terms
from .choices import SupplierCategory
from .models import (
    Certificate,
    QualifiedList,
    Supplier,
    SupplierContact,
    SupplierEvaluation,
)

LIST_TITLE = "合格供方名录"
MANAGER = ("commerce_mgr", "钱", "立新", "商务部经理")

# code, name, English name, category, credit code, address, contact (name, title, phone, email)
SUPPLIERS = [
    ("huaxin", "杭州华信科技有限公司", "Hangzhou Huaxin Technology Co., Ltd.", SupplierCategory.HARDWARE,
     "91330106MA2B1XH01K", "杭州市西湖区文三路 398 号",
     ("马晓东", "销售经理", "0571-8888 1201", "maxd@huaxin.example.com")),
    ("zhongke", "浙江中科数据设备有限公司", "Zhejiang Zhongke Data Equipment Co., Ltd.", SupplierCategory.HARDWARE,
     "91330105MA27ZK022P", "杭州市拱墅区莫干山路 1418 号",
     ("沈佳", "渠道经理", "0571-8765 4321", "shenjia@zhongke.example.com")),
    ("ruanchuang", "上海软创信息技术有限公司", "Shanghai Ruanchuang Information Technology Co., Ltd.",
     SupplierCategory.SOFTWARE, "91310115MA1H9RC03Q", "上海市浦东新区张江路 666 号",
     ("顾磊", "大客户经理", "021-5080 6600", "gulei@ruanchuang.example.com")),
    ("xunjie", "宁波迅捷网络工程有限公司", "Ningbo Xunjie Network Engineering Co., Ltd.", SupplierCategory.SERVICE,
     "91330203MA2GXJ044R", "宁波市海曙区中山西路 88 号",
     ("胡志强", "项目经理", "0574-8730 2211", "hzq@xunjie.example.com")),
    ("dongfang", "温州东方电脑有限公司", "Wenzhou Dongfang Computer Co., Ltd.", SupplierCategory.HARDWARE,
     "91330302MA2HDF055S", "温州市鹿城区人民路 120 号",
     ("林晓", "销售代表", "0577-8822 3344", "linxiao@dongfang.example.com")),
]

# code: [(certificate, number, issuer, valid from (days from today), valid until (days from today))]
CERTIFICATES = {
    "huaxin": [("ISO 9001 质量管理体系认证", "00124Q31502R2M", "中国质量认证中心", -400, 700),
               ("华为服务器及存储授权经销商证书", "HW-AUTH-2026-0117", "华为技术有限公司", -200, 165)],
    "zhongke": [("ISO 9001 质量管理体系认证", "04522Q10318R1M", "方圆标志认证集团", -500, 600),
                ("浪潮服务器授权服务合作伙伴证书", "INSPUR-ASP2025-0891", "浪潮电子信息产业股份有限公司", -345, 20)],
    "ruanchuang": [("CMMI 3 级", "CMMI-ML3-70211", "CMMI Institute", -300, 430),
                   ("软件企业证书", "沪RQ-2024-0388", "上海市软件行业协会", -600, 130)],
    "xunjie": [("电子与智能化工程专业承包二级资质", "D233051234", "宁波市住房和城乡建设局", -700, 400)],
    "dongfang": [("营业执照", "91330302MA2HDF055S", "温州市市场监督管理局", -1500, 3000)],
}

# code: [(delivered (days from today), due (days from today), quantity, defects, what)]
DELIVERIES = {
    "huaxin": [(-300, -300, 4, 0, "PO-2025-118 华为 2288H V6 服务器"),
               (-210, -214, 2, 1, "PO-2026-023 OceanStor 存储扩容"),
               (-95, -95, 10, 0, "PO-2026-061 万兆光模块")],
    "zhongke": [(-250, -245, 2, 0, "PO-2026-007 浪潮 NF5280 服务器"), (-150, -150, 6, 0, "PO-2026-044 SSD 硬盘")],
    "ruanchuang": [(-180, -185, 1, 0, "PO-2026-031 运维监控平台许可续订")],
    "xunjie": [(-270, -280, 1, 2, "SC-2025-009 综合布线改造（分包）"),
               (-120, -135, 1, 1, "SC-2026-015 机房弱电施工（分包）")],
}

# code: scores of Commerce and of the Service Department manager, in DEFAULT_CRITERIA order
# (quality 30, delivery 25, price 20, service 15, compliance 10)
SCORES = {
    "huaxin": ([90, 80, 85, 88, 92], [88, 78, 80, 90, 95]),
    "zhongke": ([82, 90, 75, 80, 85], [80, 92, 70, 78, 88]),
    "ruanchuang": ([85, 88, 72, 90, 86], [87, 85, 75, 92, 90]),
    "xunjie": ([60, 55, 80, 65, 70], [58, 50, 78, 62, 68]),
}


def load(context):
    users = context.users
    if "commerce" not in users:
        return
    manager = _manager(context)
    staff, svc = users["commerce"], users["svc_manager"]
    today = terms.today()
    with acting_as(staff, request_id=REQUEST_ID):
        suppliers = {code: _supplier(code, staff, today) for code, *_rest in SUPPLIERS}
    for code, supplier in suppliers.items():
        if code in SCORES:
            _evaluation(supplier, SCORES[code], staff, svc, manager, today)
    _list(staff, manager, today)
    _first_evaluation(suppliers["dongfang"], staff, svc, today)


def _manager(context):
    """The Commerce Department's manager (a second Commerce user, so an author's record is approved by another)."""
    from core import audit
    from org.models import Department, RoleAssignment, User

    admin = context.users["admin"]
    username, family, given, title = MANAGER
    department = Department.objects.get(code="commerce")
    with acting_as(admin, request_id=REQUEST_ID):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@demo.example.com", department=department,
                        last_name=family, first_name=given, title=title)
            user.set_password(DEMO_PASSWORD)
            records.create(user, admin)
        if not RoleAssignment.objects.filter(user=user, role=Role.COMMERCE).exists():
            records.create(RoleAssignment(user=user, role=Role.COMMERCE), admin)
        if department.head_id is None:
            before = audit.snapshot(department)
            department.head = user
            records.update(department, admin, before)
    context.users[username] = user
    context.messages.append(f"  {username:<14} {family}{given:<6} {Role(Role.COMMERCE).label}")
    return user


def _supplier(code, staff, today):
    supplier = Supplier.objects.filter(code=code).first()
    if supplier is not None:
        return supplier
    _code, name, name_en, category, credit, address, contact = next(s for s in SUPPLIERS if s[0] == code)
    supplier = records.create(Supplier(code=code, name=name, name_en=name_en, category=category, credit_code=credit,
                                       address=address), staff)
    person, title, phone, email = contact
    records.create(SupplierContact(supplier=supplier, name=person, job_title=title, phone=phone, email=email,
                                   primary=True), staff)
    for name_, number, issuer, start, end in CERTIFICATES.get(code, []):
        records.create(Certificate(supplier=supplier, name=name_, reference=number, issuer=issuer,
                                   valid_from=today + timedelta(days=start), valid_until=today + timedelta(days=end)),
                       staff)
    for delivered, due, quantity, defects, what in DELIVERIES.get(code, []):
        services.record_performance(supplier, delivered_on=today + timedelta(days=delivered),
                                    due_on=today + timedelta(days=due), quantity=quantity, defects=defects,
                                    source_label=what, user=staff)
    return supplier


def _evaluation(supplier, scores, staff, svc, manager, today):
    """An approved evaluation of the year up to a month ago, scored blind by Commerce and the Service Department."""
    if SupplierEvaluation.objects.filter(supplier=supplier).exists():
        return
    with acting_as(staff, request_id=REQUEST_ID):
        evaluation = records.create(SupplierEvaluation(
            supplier=supplier, owner_department=staff.department, period_from=today - timedelta(days=395),
            period_to=today - timedelta(days=30), valid_until=today + timedelta(days=330), pass_mark=Decimal(70),
            conclusion="按年度供方评价程序评定；交付、质量记录见附表。"), staff)
        services.add_default_criteria(evaluation, staff)
        rows.set_links(evaluation, "evaluators", [staff, svc], staff)
        workflow.fire(evaluation, "start_scoring", staff)
    criteria = list(evaluation.criteria.order_by("pk"))
    for person, given in ((staff, scores[0]), (svc, scores[1])):
        with acting_as(person, request_id=REQUEST_ID):
            services.give_scores(evaluation, person, [{"criterion": c.pk, "score": s}
                                                      for c, s in zip(criteria, given, strict=True)])
    with acting_as(staff, request_id=REQUEST_ID):
        workflow.fire(evaluation, "submit", staff, "评分完成，提交审批")
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(evaluation, "approve", manager, "同意")


def _list(staff, manager, today):
    if QualifiedList.objects.filter(title=LIST_TITLE).exists():
        return
    with acting_as(staff, request_id=REQUEST_ID):
        qualified_list = records.create(QualifiedList(title=LIST_TITLE, owner_department=staff.department,
                                                      review_due=terms.list_review_due()), staff)
        services.fill_from_evaluations(qualified_list, staff)
        for entry in qualified_list.entries.select_related("supplier"):
            scope = {"huaxin": "华为服务器、存储及网络设备", "zhongke": "浪潮服务器及配件",
                     "ruanchuang": "运维监控软件及许可"}.get(entry.supplier.code)
            if scope:
                from core import audit

                before = audit.snapshot(entry)
                entry.scope = scope
                records.update(entry, staff, before)
        workflow.fire(qualified_list, "submit", staff, "年度合格供方名录")
    with acting_as(manager, request_id=REQUEST_ID):
        workflow.fire(qualified_list, "approve", manager, "批准")


def _first_evaluation(supplier, staff, svc, today):
    """东方's first evaluation, being scored: Commerce has scored, the Service Department manager not yet (blind)."""
    if SupplierEvaluation.objects.filter(supplier=supplier).exists():
        return
    with acting_as(staff, request_id=REQUEST_ID):
        start, end = services.default_period(supplier, today)
        evaluation = records.create(SupplierEvaluation(
            supplier=supplier, owner_department=staff.department, period_from=start, period_to=end), staff)
        services.add_default_criteria(evaluation, staff)
        rows.set_links(evaluation, "evaluators", [staff, svc], staff)
        workflow.fire(evaluation, "start_scoring", staff)
        criteria = evaluation.criteria.order_by("pk")
        services.give_scores(evaluation, staff, [{"criterion": c.pk, "score": s}
                                                 for c, s in zip(criteria, [78, 70, 88, 75, 80], strict=True)])
