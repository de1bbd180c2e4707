"""Rows for pre-sales tests, made through the same services the app uses."""

from catalog.models import Calendar, ServiceTier
from core import records, rows, workflow
from core.choices import RecordStatus
from core.context import acting_as
from customers.models import Customer

from .. import fitcheck, services
from ..models import PresalesProposal, RequirementTarget, ServiceRequirement

LEVELS = {"availability_percent": "99.900", "rto_minutes": 1440, "rpo_minutes": 240, "users": 300, "devices": 200,
          "tickets_per_month": 400}


def tier(service="application", name="铜"):
    return ServiceTier.objects.get(service__code=service, name=name, status=RecordStatus.APPROVED)


def requirement(sales, staff, customer="szmetro", title="票务清分系统应用运维需求", approve_by=None,
                targets=None, **fields):
    """A requirement by Sales with Sales and Service Department participants; submitted/approved if asked."""
    values = {"goals": "保障票务清分系统稳定运行", "scope": "清分系统应用、中间件与数据库",
              "requirements": "工作日驻场，7x24 电话支持", "service_window": Calendar.objects.get(name="5x8 北京"),
              **LEVELS, **fields}
    with acting_as(sales):
        req = records.create(ServiceRequirement(title=title, customer=Customer.objects.get(code=customer),
                                                owner_department=sales.department, **values), sales)
        rows.set_links(req, "participants", [sales, staff], sales)
        for priority, (response, resolution) in (targets or {"P1": (60, 960)}).items():
            records.create(RequirementTarget(requirement=req, priority=priority, response_minutes=response,
                                             resolution_minutes=resolution), sales)
        if approve_by is not None:
            workflow.fire(req, "submit", sales)
    if approve_by is not None:
        with acting_as(approve_by):
            workflow.fire(req, "approve", approve_by, "同意")
    req.refresh_from_db()
    return req


def proposal(staff, req, tier_=None, price="360000.00", check=False):
    with acting_as(staff):
        prop = records.create(PresalesProposal(title=f"{req.title} 售前方案", requirement=req,
                                               owner_department=staff.department, solution="驻场 + 远程二线支持"),
                              staff)
        services.add_line(prop, tier_ or tier(), staff, price=price)
        if check:
            fitcheck.run(prop, staff)
    prop.refresh_from_db()
    return prop
