"""Demo departments, one user per role (SPEC section 2) and the department heads (idempotent; audited)."""

from core import audit, records
from core.context import acting_as
from core.demo import DEMO_PASSWORD, REQUEST_ID
from core.roles import Role

from .choices import DepartmentKind
from .models import Department, RoleAssignment, User

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

HEADS = [("tsd", "tsd_director"), ("service", "svc_manager"), ("gmo", "gm")]


def load(context):
    admin = context.users["admin"]
    with acting_as(admin, request_id=REQUEST_ID):
        context.departments.update(_departments(admin))
        context.users.update(_users(admin, context.departments))
    for username, family, given, _dept, role, _title in USERS:
        context.messages.append(f"  {username:<14} {family}{given:<6} {Role(role).label}")


def _departments(admin):
    result = {}
    for code, name, name_en, kind in DEPARTMENTS:
        result[code] = Department.objects.filter(code=code).first() or records.create(
            Department(code=code, name=name, name_en=name_en, kind=kind), admin)
    return result


def _users(admin, departments):
    result = {}
    for username, family, given, dept, role, title in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@demo.example.com")
            user.set_password(DEMO_PASSWORD)
        if user.department_id is None:  # new, or the bootstrapped administrator: complete the profile
            before = None if user.pk is None else audit.snapshot(user)
            user.department, user.last_name, user.first_name, user.title = departments[dept], family, given, title
            records.create(user, admin) if before is None else records.update(user, admin, before)
        if not RoleAssignment.objects.filter(user=user, role=role).exists():
            records.create(RoleAssignment(user=user, role=role), admin)
        result[username] = user
    for code, head in HEADS:
        department = departments[code]
        if department.head_id is None:
            before = audit.snapshot(department)
            department.head = result[head]
            records.update(department, admin, before)
    return result
