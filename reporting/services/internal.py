"""The internal service report: the same month across all contracts in force of a department or the company."""

from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from contracts.models import Contract
from core import audit, display, records, report_sections
from servicedata import sla
from servicedata.models import Ticket

from ..choices import Scope
from ..models import ActionItem, MonthlyServiceReport, ReportProfile
from .monthly import report_for

REGENERATED = gettext_noop("Regenerated from the current service data.")


def contracts_in_scope(scope, department, year, month):
    """Contracts in force (one version per contract) running in the month, of the department or the company."""
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    rows = Contract.objects.in_force().filter(start_date__lt=last, end_date__gte=first) \
        .select_related("customer", "service_tier").order_by("number", "-version")
    if scope == Scope.DEPARTMENT and department is not None:
        numbers = set(ReportProfile.objects.filter(owner_department=department).values_list("contract__number",
                                                                                              flat=True))
        numbers |= set(MonthlyServiceReport.objects.filter(owner_department=department)
                       .values_list("contract__number", flat=True))
        rows = rows.filter(Q(owner_department=department) | Q(number__in=numbers))
    latest = {}
    for contract in rows:
        latest.setdefault(contract.number, contract)
    return list(latest.values())


def build_internal_snapshot(scope, department, year, month):
    lines, contracts = [], list(contracts_in_scope(scope, department, year, month))
    for contract in contracts:
        m = sla.period_metrics(contract, year, month)
        missed = [f"{kind} {f.priority}" for kind, figures in (("response", m.response), ("resolution", m.resolution))
                  for f in figures if f.met is False]
        if m.availability_met is False:
            missed.append("availability")
        if m.over_capacity:
            missed.append("volume")
        report = report_for(contract, year, month)
        lines.append({"contract": contract.number, "contract_id": contract.pk, "title": contract.title,
                      "customer": str(contract.customer),
                      "response": m.response_overall.percent, "resolution": m.resolution_overall.percent,
                      "availability": m.availability_percent, "availability_target": m.availability_target,
                      "volume": m.volume, "capacity": m.capacity_limit, "mttr": m.mttr_seconds,
                      "outages": m.outages, "missed": missed, "all_met": m.all_met,
                      "report": report.number if report else "",
                      "report_status": report.status if report else ""})
    lines.sort(key=lambda line: (not line["missed"], line["customer"]))
    numbers = [line["contract"] for line in lines]
    ids = list(Contract.objects.filter(number__in=numbers).values_list("pk", flat=True))
    zone = timezone.get_current_timezone()
    months = sla.last_months(year, month, 3)
    start = datetime(months[0][0], months[0][1], 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    trend = {}
    for created, category in Ticket.objects.filter(contract_id__in=ids, created__gte=start, created__lt=end) \
            .values_list("created", "category"):
        local = created.astimezone(zone)
        counts = trend.setdefault(category or "", [0] * len(months))
        counts[months.index((local.year, local.month))] += 1
    # Every category (uncategorised last), so the table's total is the tickets of the period.
    problems = sorted(({"category": c, "counts": v} for c, v in trend.items()),
                      key=lambda r: (not r["category"], -sum(r["counts"]), r["category"]))
    open_high = [{"id": t.external_id, "contract": t.contract.number, "priority": t.priority, "summary": t.summary,
                  "created": t.created.astimezone(zone).strftime("%Y-%m-%d %H:%M")}
                 for t in Ticket.objects.filter(contract_id__in=ids, priority__in=["P1", "P2"], resolved__isnull=True,
                                                created__lt=end).select_related("contract").order_by("created")[:50]]
    overdue = [{"id": a.pk, "description": a.description, "owner": str(a.owner), "due": a.due_date.isoformat(),
                "minutes": a.minutes.number}
               for a in ActionItem.objects.overdue().select_related("owner", "minutes")]
    satisfaction = satisfaction_trend(lines, months)
    return {"period": {"year": year, "month": month, "label": f"{year}-{month:02d}"},
            "generated_at": timezone.now().isoformat(), "lines": lines,
            "problems": {"months": [f"{y}-{m:02d}" for y, m in months], "series": problems},
            "open_high": open_high, "overdue_actions": overdue, "satisfaction": satisfaction,
            "missed_contracts": sum(1 for line in lines if line["missed"]),
            # What later stages know of these contracts' month (problems, security incidents, improvements).
            "sections": report_sections.sections(report_sections.INTERNAL, report_sections.Scope(
                tuple(contracts), datetime(year, month, 1, tzinfo=zone), end))}


def satisfaction_trend(lines, months):
    """The customer's average satisfaction score (1–5) per contract and month of the trend; None where no one
    answered (a gap, not a zero)."""
    from .satisfaction import by_contract_month, points

    averages = by_contract_month([line["contract"] for line in lines], months)
    series = [{"contract": line["contract"], "customer": line["customer"], "averages": averages[line["contract"]]}
              for line in lines if any(value is not None for value in averages[line["contract"]])]
    answered = [value for row in series for value in row["averages"] if value is not None]
    return {"months": [f"{y}-{m:02d}" for y, m in months], "series": series,
            "points": points(sum(answered) / len(answered)) if answered else None}


def generate_internal(report, user):
    if report.status not in type(report).record_type().workflow.editable_states:
        report = records.new_version(report, user,
                                     comment=display.message(REGENERATED))
    before = audit.snapshot(report)
    report.snapshot = build_internal_snapshot(report.scope, report.department, report.year, report.month)
    report.generated_at = timezone.now()
    records.update(report, user, before,
                   comment=display.message(gettext_noop("Figures generated from the service data.")))
    return report


