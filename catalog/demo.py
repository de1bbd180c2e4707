"""Demo catalogue and calendars, loaded by `manage.py load_demo` (idempotent; every write audited)."""

from datetime import time

from core import records, workflow
from core.context import acting_as

from . import calendars
from .choices import HolidaySource, Priority, ServiceStatus, SkillLevel
from .models import Calendar, PriorityTarget, Service, ServiceFamily, ServiceTier, SkillRequirement
from .services import set_supporting_services

BEIJING_5X8 = "5x8 北京"
ALWAYS_OPEN = "7x24"
DEMO_HOLIDAY_YEARS = range(2024, 2028)  # 2027 is not in chinese-calendar 1.11 yet: the demo shows the warning

FAMILY = ("ops", "运维服务", "IT 运维服务：桌面终端、网络、服务器与业务应用的日常运行维护和故障处理。")

# code, name, description, supporting service codes
SERVICES = [
    ("desktop", "桌面运维", "办公终端、操作系统、办公软件、打印与外设的安装、故障处理和日常维护。", []),
    ("network", "网络运维", "局域网、广域网、无线网络与网络安全设备的监控、配置变更和故障处理。", []),
    ("server", "服务器运维", "物理服务器、虚拟化平台、操作系统与存储的监控、补丁、备份和故障处理。", ["network"]),
    ("application", "应用运维", "业务应用、中间件与数据库的部署、监控、性能优化和故障处理。", ["server", "network"]),
]

# tier: window, availability %, RTO, RPO (minutes), tickets/month, users, devices, headcount factor,
# targets per priority: (response, resolution business minutes, target achievement %)
TIERS = {
    "金": {"window": ALWAYS_OPEN, "availability": "99.950", "rto": 60, "rpo": 15, "tickets": 3000, "users": 5000,
          "devices": 4000, "staff": 3,
          "targets": {Priority.P1: (15, 240, 99), Priority.P2: (30, 480, 98), Priority.P3: (120, 1440, 95),
                      Priority.P4: (480, 4320, 95)}},
    "银": {"window": BEIJING_5X8, "availability": "99.900", "rto": 240, "rpo": 60, "tickets": 1500, "users": 2000,
          "devices": 1500, "staff": 2,
          "targets": {Priority.P1: (30, 480, 95), Priority.P2: (60, 960, 95), Priority.P3: (240, 2400, 90),
                      Priority.P4: (480, 4800, 90)}},
    "铜": {"window": BEIJING_5X8, "availability": "99.500", "rto": 1440, "rpo": 240, "tickets": 500, "users": 500,
          "devices": 500, "staff": 1,
          "targets": {Priority.P1: (60, 960, 90), Priority.P2: (120, 1440, 90), Priority.P3: (480, 4800, 85),
                      Priority.P4: (960, 9600, 85)}},
}

# service: (skill, level, headcount at the 铜 tier; scaled by the tier's staff factor)
SKILLS = {
    "desktop": [("Windows / macOS 终端维护", SkillLevel.INTERMEDIATE, 2), ("办公软件与打印外设", SkillLevel.JUNIOR, 1)],
    "network": [("路由交换 (CCNP / HCIP)", SkillLevel.SENIOR, 1), ("防火墙与 VPN", SkillLevel.SENIOR, 1)],
    "server": [("Linux 系统管理 (RHCE)", SkillLevel.SENIOR, 1), ("VMware / KVM 虚拟化", SkillLevel.SENIOR, 1),
               ("存储与备份", SkillLevel.INTERMEDIATE, 1)],
    "application": [("Oracle / MySQL 数据库 (OCP)", SkillLevel.EXPERT, 1),
                    ("中间件 (Tomcat / Nginx / WebLogic)", SkillLevel.SENIOR, 1)],
}


def load(context):
    """Create the demo calendars, service family, services and approved tiers that do not exist yet."""
    users, departments = context.users, context.departments
    admin = users["admin"]
    with acting_as(admin, request_id="load_demo"):
        windows = {BEIJING_5X8: _beijing_5x8(admin), ALWAYS_OPEN: _always_open(admin)}
        services = _services(users["svc_manager"], admin)
    for code, service in services.items():
        for name, spec in TIERS.items():
            _tier(service, code, name, spec, windows[spec["window"]], users, departments["service"])


def _beijing_5x8(admin):
    calendar = Calendar.objects.filter(name=BEIJING_5X8).first()
    if calendar is None:
        calendar = records.create(Calendar(name=BEIJING_5X8, time_zone="Asia/Shanghai",
                                           holiday_source=HolidaySource.CHINA,
                                           description="北京办公时间：周一至周五 09:00–12:00、13:00–18:00，"
                                                       "法定节假日休息，调休上班日照常服务。"), admin)
        calendars.replace_working_hours(calendar, admin, [
            {"weekday": weekday, "start": start, "end": end}
            for weekday in range(5) for start, end in ((time(9), time(12)), (time(13), time(18)))])
    calendars.seed_china_holidays(calendar, DEMO_HOLIDAY_YEARS, admin, comment="load_demo")
    return calendar


def _always_open(admin):
    calendar = Calendar.objects.filter(name=ALWAYS_OPEN).first()
    if calendar is None:
        calendar = records.create(Calendar(name=ALWAYS_OPEN, time_zone="Asia/Shanghai", always_open=True,
                                           holiday_source=HolidaySource.NONE,
                                           description="全年无休，7×24 小时服务。"), admin)
    calendars.record_version(calendar, admin, "load_demo")
    return calendar


def _services(owner, admin):
    code, name, description = FAMILY
    family = ServiceFamily.objects.filter(code=code).first() or records.create(
        ServiceFamily(code=code, name=name, description=description), admin)
    result = {}
    for code, name, description, _supporting in SERVICES:
        result[code] = Service.objects.filter(code=code).first() or records.create(
            Service(family=family, code=code, name=name, description=description, owner=owner,
                    status=ServiceStatus.LIVE), admin)
    for code, _name, _description, supporting in SERVICES:
        if supporting and not result[code].supporting_services.exists():
            set_supporting_services(result[code], admin, [result[s] for s in supporting])
    return result


def _tier(service, code, name, spec, window, users, department):
    if ServiceTier.objects.filter(service=service, name=name).exists():
        return
    author, approver = users["svc_staff"], users["svc_manager"]
    with acting_as(author, request_id="load_demo"):
        tier = records.create(ServiceTier(
            service=service, name=name, owner_department=department, service_window=window,
            availability_target=spec["availability"], rto_minutes=spec["rto"], rpo_minutes=spec["rpo"],
            max_tickets_per_month=spec["tickets"], max_users=spec["users"], max_devices=spec["devices"],
            description=f"{service.name}{name}级服务：服务时间 {window.name}。"), author, comment="初版")
        for priority, (response, resolution, percent) in spec["targets"].items():
            records.create(PriorityTarget(tier=tier, priority=priority, response_minutes=response,
                                          resolution_minutes=resolution, target_percent=percent), author)
        for skill, level, headcount in SKILLS[code]:
            records.create(SkillRequirement(tier=tier, skill=skill, level=level,
                                            headcount=headcount * spec["staff"]), author)
        workflow.fire(tier, "submit", author, "提交评审")
    with acting_as(approver, request_id="load_demo"):
        workflow.fire(tier, "approve", approver, "同意发布")
