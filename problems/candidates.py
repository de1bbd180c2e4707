"""Problem candidates from the service data (SP-4.5.4, issue 13 point 2).

Over a window (the last 90 days by default), the tickets of a contract are grouped by (category, configuration
item). A pair is a candidate when it recurs (at least `min_count` tickets, the setting
SERVPLAN_PROBLEM_CANDIDATE_MIN_TICKETS, 3 by default) or its tickets breach the SLA repeatedly (at least
`min_breaches`, SERVPLAN_PROBLEM_CANDIDATE_MIN_BREACHES, 2 by default: a ticket whose response or resolution was
not met). Candidates are ranked by count, then trend (tickets in the second half of the window less those in the
first), then breaches. A category whose tickets recur spread over many items, none of its pairs recurring on its own,
is proposed as the category with no item (an empty configuration item means any item of the category). A pair an
open problem already explains (same contract, or a company-wide problem, with the same category and configuration
item, or the same category and no item) is not proposed again.

`rank` is pure (rows in, candidates out); `candidates` is the one query feeding it; `open_problem` turns a
candidate into a draft problem with its tickets linked (one action, audited through core.records).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import records
from core.rows import set_links
from servicedata.models import Ticket

from .choices import OPEN_STATES

WINDOW_DAYS = 90


def min_count():
    return getattr(settings, "SERVPLAN_PROBLEM_CANDIDATE_MIN_TICKETS", 3)


def min_breaches():
    return getattr(settings, "SERVPLAN_PROBLEM_CANDIDATE_MIN_BREACHES", 2)


@dataclass(frozen=True)
class Candidate:
    contract_id: int
    category: str
    configuration_item: str
    count: int
    first_half: int
    second_half: int
    breaches: int

    @property
    def trend(self):
        return self.second_half - self.first_half

    @property
    def key(self):
        return (self.contract_id, self.category, self.configuration_item)

    @property
    def title(self):
        return " · ".join(part for part in (self.category, self.configuration_item) if part)


def rank(rows, *, explained=(), count_at_least=None, breaches_at_least=None):
    """Candidates from per-pair rows (contract_id, category, configuration_item, count, first_half, breaches): the
    recurring or repeatedly breaching pairs not in `explained` (a set of (contract_id, category, item), contract_id
    None for a company-wide problem), ranked by count, trend and breaches (largest first)."""
    count_at_least = min_count() if count_at_least is None else count_at_least
    breaches_at_least = min_breaches() if breaches_at_least is None else breaches_at_least
    explained = set(explained)

    def qualifies(count, breached):
        return count >= count_at_least or breached >= breaches_at_least

    def is_explained(contract_id, category, item):
        return any((owner, category, named) in explained for owner in (contract_id, None) for named in {item, ""}
                   if category or named)

    found, by_category, pairs_found = [], {}, set()
    for contract_id, category, item, count, first_half, breached in rows:
        if not (category or item):
            continue
        if category:
            total = by_category.setdefault((contract_id, category), [0, 0, 0])
            total[0], total[1], total[2] = total[0] + count, total[1] + first_half, total[2] + breached
        if qualifies(count, breached):
            pairs_found.add((contract_id, category))
            if not is_explained(contract_id, category, item):
                found.append(Candidate(contract_id, category, item, count, first_half, count - first_half, breached))
    for (contract_id, category), (count, first_half, breached) in by_category.items():
        if (contract_id, category) not in pairs_found and qualifies(count, breached) \
                and not is_explained(contract_id, category, ""):
            found.append(Candidate(contract_id, category, "", count, first_half, count - first_half, breached))
    found.sort(key=lambda c: (-c.count, -c.trend, -c.breaches, c.category, c.configuration_item))
    return found


def window(end=None, days=WINDOW_DAYS):
    end = end or timezone.now()
    return end - timedelta(days=days), end


def explained_pairs(contracts):
    """(contract number's ids…, category, item) of open problems: of these contracts, and company-wide ones."""
    from .models import Problem

    numbers = {c.number for c in contracts}
    problems = Problem.objects.filter(status__in=OPEN_STATES).filter(
        Q(contract__number__in=numbers) | Q(contract__isnull=True)).select_related("contract")
    pairs = set()
    for problem in problems:
        ids = [c.pk for c in contracts if problem.contract_id and c.number == problem.contract.number]
        for contract_id in ids or [None]:
            pairs.add((contract_id, problem.category, problem.configuration_item))
    return pairs


def candidates(contracts, *, end=None, days=WINDOW_DAYS):
    """Ranked candidates of the contracts (Contract instances; tickets of any version of each count for it) over
    the window ending at `end` (now)."""
    start, end = window(end, days)
    middle = start + (end - start) / 2
    contracts = list(contracts)
    version_of = {}
    for contract in contracts:
        for pk in type(contract).objects.filter(number=contract.number).values_list("pk", flat=True):
            version_of[pk] = contract.pk
    breach = Q(response_met=False) | Q(resolution_met=False)
    grouped = Ticket.objects.filter(contract_id__in=version_of, created__gte=start, created__lt=end) \
        .values("contract_id", "category", "configuration_item") \
        .annotate(count=Count("pk"), first=Count("pk", filter=Q(created__lt=middle)),
                  breached=Count("pk", filter=breach)) \
        .order_by()
    merged = {}
    for row in grouped:
        key = (version_of[row["contract_id"]], row["category"], row["configuration_item"])
        total = merged.setdefault(key, [0, 0, 0])
        total[0] += row["count"]
        total[1] += row["first"]
        total[2] += row["breached"]
    rows = [(*key, *totals) for key, totals in merged.items()]
    return rank(rows, explained=explained_pairs(contracts))


def tickets_of(contract, category, item, *, end=None, days=WINDOW_DAYS):
    """The window's tickets of the pair (an empty item: every item of the category)."""
    start, end = window(end, days)
    ids = type(contract).objects.filter(number=contract.number).values_list("pk", flat=True)
    pair = {"category": category, **({"configuration_item": item} if item else {})}
    return Ticket.objects.filter(contract_id__in=ids, created__gte=start, created__lt=end, **pair)


def service_department(user):
    """The Service Department drafts problems: the user's department when it is that, else the first one."""
    from org.choices import DepartmentKind
    from org.models import Department

    department = getattr(user, "department", None)
    if department is not None and department.kind == DepartmentKind.SERVICE:
        return department
    return Department.objects.filter(kind=DepartmentKind.SERVICE).order_by("code").first() or department


def open_problem(contract, category, item, user, *, end=None, days=WINDOW_DAYS):
    """A draft problem for the candidate pair: the contract, the pair as its title, the window's tickets linked."""
    from django.db import transaction

    from .models import Problem

    title = " · ".join(part for part in (category, item) if part) or _t("Problem")
    with transaction.atomic():
        problem = Problem(contract=contract, title=title[:200], category=category, configuration_item=item,
                          owner_department=service_department(user),
                          description=_t("Proposed by the service data: recurring tickets of %(pair)s over the last "
                                         "%(days)s days.") % {"pair": title, "days": days})
        records.create(problem, user)
        set_links(problem, "tickets", list(tickets_of(contract, category, item, end=end, days=days)), user)
    return problem
