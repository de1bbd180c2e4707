"""A realistic demo company: departments, one user per role, customers, the procedure itself.

Idempotent: running it again changes nothing that exists. Every write goes
through the record service, so the demo data has its audit trail too.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog import demo as catalog_demo
from contracts import demo as contracts_demo
from core import audit, records, workflow
from core.context import acting_as
from core.models import NumberingScheme
from core.registry import registry
from core.roles import Role
from customers.models import Customer
from documents.models import ProcedureDocument
from org.choices import DepartmentKind
from org.models import Department, RoleAssignment, User
from presales import demo as presales_demo
from projects import demo as projects_demo

DEMO_PASSWORD = "servplan-demo"

DEPARTMENTS = [
    ("gmo", "总经理办公室", "General Manager's Office", DepartmentKind.MANAGEMENT),
    ("tsd", "技术服务事业部", "Technical Service Division", DepartmentKind.TECHNICAL_SERVICE_DIVISION),
    ("service", "服务部", "Service Department", DepartmentKind.SERVICE),
    ("commerce", "商务部", "Commerce Department", DepartmentKind.COMMERCE),
    ("sales", "销售部", "Sales Department", DepartmentKind.SALES),
    ("quality", "质量审核部", "Quality & Audit", DepartmentKind.QUALITY),
]

# username, family name, given name, department, role, title
USERS = [
    ("gm", "王", "建国", "gmo", Role.GENERAL_MANAGER, "总经理"),
    ("mr", "李", "敏", "gmo", Role.MANAGEMENT_REP, "管理者代表"),
    ("tsd_director", "张", "伟", "tsd", Role.TSD_DIRECTOR, "技术服务事业部总监"),
    ("tsd_staff", "赵", "磊", "tsd", Role.TSD_STAFF, "技术服务事业部专员"),
    ("svc_manager", "刘", "洋", "service", Role.SERVICE_MANAGER, "服务部经理"),
    ("svc_staff", "陈", "静", "service", Role.SERVICE_STAFF, "服务工程师"),
    ("pm", "杨", "帆", "service", Role.PROJECT_MANAGER, "项目经理"),
    ("member", "黄", "晓明", "service", Role.TEAM_MEMBER, "运维工程师"),
    ("commerce", "周", "婷", "commerce", Role.COMMERCE, "商务专员"),
    ("sales", "吴", "强", "sales", Role.SALES, "客户经理"),
    ("auditor", "郑", "芳", "quality", Role.AUDITOR, "内审员"),
    ("admin", "孙", "立", "gmo", Role.ADMIN, "系统管理员"),
]

CUSTOMERS = [
    ("hzbank", "杭州联合银行", "Hangzhou United Bank", "金融"),
    ("szmetro", "苏州轨道交通集团", "Suzhou Rail Transit Group", "交通"),
    ("nbhospital", "宁波第一医院", "Ningbo No.1 Hospital", "医疗"),
]

PROCEDURE = {
    "title": "服务策划管理程序",
    "purpose": "针对公司承接IT服务的项目、合同或任务，确定质量目标，制定专门措施，配备相应的资源，"
               "对服务实现过程实施控制，确保在约定的成本和质量要求下交付服务。",
    "scope": "适用于本公司承接IT服务的项目、合同或任务实现过程的策划、实施、交付和管理活动控制。",
    "body": "4.1 服务售前\n4.2 合同评审\n4.3 服务管理策划\n4.4 服务管理实施\n4.5 服务管理监控、测量、改进",
    "references": "ISO/IEC 20000-1:2018 (GB/T 24405.1)\nISO 9001:2015\nIT服务管理手册\n项目管理制度",
}


class Command(BaseCommand):
    help = "Load the demo company (idempotent) and print one login per role."

    def handle(self, *args, **options):
        with transaction.atomic():
            admin = self._bootstrap_admin()
            with acting_as(admin, request_id="load_demo"):
                departments = self._departments(admin)
                users = self._users(admin, departments)
                self._customers(users["sales"])
                self._numbering(admin)
                self._procedure(users, departments)
                catalog_demo.load(users, departments)
                contracts_demo.load(users, departments)
                presales_demo.load(users, departments)  # requirement → proposal → contract → review → signed SLA
                projects_demo.load(users, departments)  # a project from a signed contract, if one exists
        self._print_logins()

    def _bootstrap_admin(self):
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User(username="admin", last_name="孙", first_name="立", title="系统管理员", is_staff=True,
                         is_superuser=True)
            admin.set_password(DEMO_PASSWORD)
            with acting_as(None, request_id="load_demo"):
                admin.save()
                audit.log_create(admin, "bootstrap administrator")
        return admin

    def _departments(self, admin):
        result = {}
        for code, name, name_en, kind in DEPARTMENTS:
            department = Department.objects.filter(code=code).first()
            if department is None:
                department = records.create(Department(code=code, name=name, name_en=name_en, kind=kind), admin)
            result[code] = department
        return result

    def _users(self, admin, departments):
        result = {}
        for username, family, given, dept, role, title in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, last_name=family, first_name=given, title=title,
                            email=f"{username}@demo.servplan.local")
                user.set_password(DEMO_PASSWORD)
            if user.department_id is None:
                before = None if user.pk is None else audit.snapshot(user)
                user.department = departments[dept]
                records.create(user, admin) if before is None else records.update(user, admin, before)
            if not RoleAssignment.objects.filter(user=user, role=role).exists():
                records.create(RoleAssignment(user=user, role=role), admin)
            result[username] = user
        for code, head in [("tsd", "tsd_director"), ("service", "svc_manager"), ("gmo", "gm")]:
            department = departments[code]
            if department.head_id is None:
                before = audit.snapshot(department)
                department.head = result[head]
                records.update(department, admin, before)
        return result

    def _customers(self, sales):
        for code, name, name_en, industry in CUSTOMERS:
            if not Customer.objects.filter(code=code).exists():
                records.create(Customer(code=code, name=name, name_en=name_en, industry=industry), sales)

    def _numbering(self, admin):
        for record_type in registry:
            if not NumberingScheme.objects.filter(record_type=record_type.code).exists():
                records.create(NumberingScheme(record_type=record_type.code, prefix=record_type.prefix), admin)

    def _procedure(self, users, departments):
        if ProcedureDocument.objects.filter(title=PROCEDURE["title"]).exists():
            return
        author, approver = users["svc_staff"], users["svc_manager"]
        with acting_as(author, request_id="load_demo"):
            document = records.create(ProcedureDocument(owner_department=departments["service"], **PROCEDURE),
                                      author, comment="初版")
            workflow.fire(document, "submit", author, "提交评审")
        with acting_as(approver, request_id="load_demo"):
            workflow.fire(document, "approve", approver, "同意发布")

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, family, given, _dept, role, _title in USERS:
            self.stdout.write(f"  {username:<14} {family}{given:<6} {Role(role).label}")
