"""The data-quality section of the monthly service report (core.report_sections.MONTHLY), frozen into the report
when it is generated: how many of the month's tickets the import profile's rules excluded or repaired, by rule.

The tickets counted are those created in the month, as the service desk's data has them: the tickets imported, plus
the rows excluded (which are not tickets in ServPlan). A finding counts while it is current, i.e. while the latest
import that read its ticket is the one that found it, so a row corrected at the source and imported again no
longer counts. Without findings in the month the section is left out.
"""

from django.db.models import Count
from django.utils.translation import gettext as _t

from core import report_sections as rs

from .choices import Anomaly, RuleAction
from .models import QualityFinding, Ticket


def _contract_ids(contracts):
    from contracts.models import Contract

    return list(Contract.objects.filter(number__in=[c.number for c in contracts]).values_list("pk", flat=True))


def monthly_quality(scope):
    ids = _contract_ids(scope.contracts)
    findings = QualityFinding.objects.filter(contract_id__in=ids, current=True, ticket_created__gte=scope.start,
                                             ticket_created__lt=scope.end)
    counts = list(findings.values("anomaly", "action").annotate(n=Count("external_id", distinct=True))
                  .order_by("action", "-n", "anomaly"))
    if not counts:
        return None
    excluded = findings.filter(action=RuleAction.EXCLUDE).values("external_system", "external_id").distinct().count()
    repaired = findings.filter(action=RuleAction.REPAIR).values("external_system", "external_id").distinct().count()
    imported = Ticket.objects.filter(contract_id__in=ids, created__gte=scope.start, created__lt=scope.end).count()
    total = imported + excluded
    rows = [[str(Anomaly(c["anomaly"]).label), str(RuleAction(c["action"]).label), c["n"]] for c in counts]
    parts = []
    for item in counts:
        if item["action"] == RuleAction.EXCLUDE:
            parts.append(_t("%(n)s of %(total)s tickets excluded: %(rule)s") % {
                "n": f"{item['n']:,}", "total": f"{total:,}", "rule": str(Anomaly(item["anomaly"]).label).lower()})
    note = _t("Of %(total)s tickets created this month in the service desk's data, %(excluded)s were excluded and "
              "%(repaired)s repaired by the import profile's data-quality rules; each import's quality report lists "
              "them row by row.") % {"total": f"{total:,}", "excluded": f"{excluded:,}", "repaired": f"{repaired:,}"}
    if parts:
        note = "; ".join(parts) + ". " + note
    return rs.Section("data_quality", _t("Data quality"), [_t("Rule"), _t("What was done"), _t("Tickets")], rows,
                      note=note)


def register():
    rs.register(rs.MONTHLY, monthly_quality)
