"""Customer satisfaction: the survey answers (score 1–5 and a comment) per contract and period.

The customer is asked after each issued monthly report (for that report's month) and at acceptance (for the
month answered). `record()` writes an answer, once: never edited afterwards. `summary()` is what the contract
page, the internal report's trend and the project summary report read: counts, the average score and the same on
the 0–100 scale (points = score × 20) the quality objective "客户满意度 ≥ 90 分" is written in.

Who answers: a customer contact signed in (the answer is theirs), a signer of a one-time link (no account: the
caller that checked the link passes the name), or a member of staff recording an answer given on paper or by
phone (the name of the customer's person is required; the audit trail names who typed it in).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit, records
from core.permissions import allowed
from core.roles import Role

from ..choices import ReportStatus, SurveyOccasion
from ..models import MonthlyServiceReport, SatisfactionResponse

POINTS_PER_SCORE = 20  # a score of 5 is 100 points


def is_customer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Role.CUSTOMER in user.own_roles


def _number(contract):
    return contract if isinstance(contract, str) else contract.number


def _month_key(day):
    return day.year * 12 + day.month - 1


def _months(start, end):
    """(year, month) from start's month to end's month, both included."""
    return [(key // 12, key % 12 + 1) for key in range(_month_key(start), _month_key(end) + 1)]


def answers_for(contract, start=None, end=None):
    """The answers of a contract (any version of it), optionally those whose month lies in [start, end]."""
    rows = SatisfactionResponse.objects.filter(contract__number=_number(contract))
    if start is not None:
        rows = rows.filter(Q(year__gt=start.year) | Q(year=start.year, month__gte=start.month))
    if end is not None:
        rows = rows.filter(Q(year__lt=end.year) | Q(year=end.year, month__lte=end.month))
    return rows


def _rounded(average, digits=2):
    return None if average is None else round(float(average), digits)


def points(average):
    """An average score (1–5) on the 0–100 scale, or None when nothing was answered."""
    return None if average is None else round(float(average) * POINTS_PER_SCORE, 1)


def summary(contract_number, start: date, end: date) -> dict:
    """The answers of one contract in the months from `start` to `end` (both included):

    {"count", "average" (1–5, None without answers), "points" (0–100, None without answers),
     "by_month": [{"year", "month", "count", "average"}] for every month of the range (count 0, average None when
     no one answered: a gap, never a zero)}.
    """
    rows = answers_for(contract_number, start, end)
    totals = rows.aggregate(count=Count("pk"), average=Avg("score"))
    found = {(r["year"], r["month"]): r for r in rows.values("year", "month")
             .annotate(count=Count("pk"), average=Avg("score")).order_by()}
    by_month = []
    for year, month in _months(start, end):
        row = found.get((year, month))
        by_month.append({"year": year, "month": month, "count": row["count"] if row else 0,
                         "average": _rounded(row["average"]) if row else None})
    average = _rounded(totals["average"])
    return {"count": totals["count"], "average": average, "points": points(totals["average"]),
            "by_month": by_month}


def by_contract_month(numbers, months) -> dict:
    """{contract number: [average or None per (year, month) of `months`]} for the internal report's trend."""
    index = {period: i for i, period in enumerate(months)}
    result = {number: [None] * len(months) for number in numbers}
    if not months:
        return result
    rows = SatisfactionResponse.objects.filter(contract__number__in=list(numbers)) \
        .values("contract__number", "year", "month").annotate(average=Avg("score")).order_by()
    for row in rows:
        i = index.get((row["year"], row["month"]))
        if i is not None:
            result[row["contract__number"]][i] = _rounded(row["average"])
    return result


def _already(contract_number, occasion, year, month, user, name):
    rows = SatisfactionResponse.objects.filter(contract__number=contract_number, occasion=occasion, year=year,
                                               month=month)
    if user is not None:
        return rows.filter(respondent=user).exists()
    return rows.filter(respondent__isnull=True, respondent_name__iexact=name.strip()).exists()


def record(*, score, occasion=SurveyOccasion.MONTHLY_REPORT, report=None, contract=None, comment="", user=None,
           respondent_name="", year=None, month=None, when=None) -> SatisfactionResponse:
    """Record one answer and return it.

    * occasion "monthly_report": `report` (an issued monthly report) gives the contract and the month.
    * occasion "acceptance": `contract`; the month is `year`/`month` if given, else the month answered.
    * `user`: a customer contact answering for themselves, or staff recording a customer's answer (then
      `respondent_name` is required); None for a signer of a one-time link (the caller checked the link;
      `respondent_name` required).

    One answer per respondent, occasion and month: a second one is refused, and an answer is never changed.
    """
    when = when or timezone.now()
    if occasion == SurveyOccasion.MONTHLY_REPORT:
        if report is None:
            raise ValidationError(_t("Say which monthly report the answer is about."))
        if report.status != ReportStatus.ISSUED:
            raise ValidationError(_t("Only an issued monthly report can be rated."))
        contract, year, month = report.contract, report.year, report.month
    elif occasion == SurveyOccasion.ACCEPTANCE:
        if contract is None:
            raise ValidationError(_t("Say which contract the answer is about."))
        local = timezone.localtime(when)
        year, month = year or local.year, month or local.month
    else:
        raise ValidationError(_t("Unknown survey occasion."))
    customer = is_customer(user)
    name = (respondent_name or "").strip() or (str(user) if customer else "")
    if not name:
        raise ValidationError({"respondent_name": _t("Name the person of the customer who answered.")})
    respondent = user if customer else None
    if _already(contract.number, occasion, year, month, respondent, name):
        raise ValidationError(_t("This survey has been answered already: an answer is not changed."))
    answer = SatisfactionResponse(contract=contract, occasion=occasion, year=year, month=month, report=report,
                                  score=score, comment=(comment or "").strip(), respondent=respondent,
                                  respondent_name=name, answered_at=when)
    if user is not None:
        return records.create(answer, user)
    with transaction.atomic():  # a one-time link's signer: no account, the link was checked by the caller
        answer.full_clean()
        answer.save(force_insert=True)
        audit.log_create(answer, _t("Answered through a one-time link by %(name)s.") % {"name": name})
    return answer


def may_answer(user, report) -> bool:
    """A customer contact may rate an issued report they see, once."""
    return (is_customer(user) and report.status == ReportStatus.ISSUED
            and allowed(user, SatisfactionResponse, "add")
            and MonthlyServiceReport.objects.restrict(user).filter(pk=report.pk).exists()
            and not _already(report.contract.number, SurveyOccasion.MONTHLY_REPORT, report.year, report.month,
                             user, ""))


def answer_report(report, user, score, comment=""):
    """The survey page and API: the signed-in customer contact rates an issued report."""
    if not is_customer(user) or not MonthlyServiceReport.objects.restrict(user).filter(pk=report.pk).exists():
        raise PermissionDenied(_t("Only the customer's contacts answer the survey."))
    return record(score=score, report=report, comment=comment, user=user)


def pending_for(user):
    """Issued monthly reports (latest versions) the customer contact sees and has not rated yet, oldest first."""
    if not is_customer(user):
        return []
    reports = MonthlyServiceReport.objects.restrict(user).latest_versions() \
        .filter(status=ReportStatus.ISSUED).select_related("contract", "contract__customer") \
        .order_by("year", "month", "number")
    answered = set(SatisfactionResponse.objects.filter(respondent=user, occasion=SurveyOccasion.MONTHLY_REPORT)
                   .values_list("contract__number", "year", "month"))
    return [r for r in reports if (r.contract.number, r.year, r.month) not in answered]
