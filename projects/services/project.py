"""Opening a project from a signed contract, appointing its manager and forming its team (SP-4.3.1–4.3.2), with
the team checks: skills the SLA needs and over-allocation. Every write goes through core.records (audited)."""

from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop

from core import audit, display, records
from core.permissions import allowed
from core.roles import Role
from core.rows import set_links
from core.workflow import refuse

from ..choices import ProjectKind, ProjectRole, ProjectStatus
from ..models import Project, TeamMember

SKILL_RANK = {"junior": 1, "intermediate": 2, "senior": 3, "expert": 4}


# ---- contracts: the one place that knows what "signed" means ---------------------------------

def contract_is_signed(contract) -> bool:
    """A project is opened only from a signed contract (SP-4.3.1). The one place that knows what signed means."""
    return contract.is_signed


def signed_contracts():
    from contracts.models import Contract

    return Contract.objects.signed()


# ---- opening a project and appointing its manager ---------------------------------------------

def project_of_contract_chain(contract):
    """The project of an earlier version of this contract (the contract being changed), or None."""
    previous = contract.predecessor
    while previous is not None:
        project = Project.objects.filter(contract=previous).order_by("-created").first()
        if project is not None:
            return project
        previous = previous.predecessor
    return None


def next_project_code(when=None):
    year = (when or timezone.localdate()).year
    prefix = f"PRJ-{year}-"
    last = Project.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def open_project(contract, user, *, name="", category=None, description="", goals=()):
    """The Service Department opens a project (立项) from a signed contract, or a project change (SP-4.3.1),
    linked to the annual goals it serves."""
    if not contract_is_signed(contract):
        raise refuse(_t("A project is opened only from a signed contract."),
                     (_t("Open %(number)s") % {"number": contract.number}, contract.get_absolute_url()),
                     field="contract")
    if Project.objects.filter(contract=contract).exists():
        raise ValidationError({"contract": _t("This contract already has a project.")})
    changed = project_of_contract_chain(contract)
    project = Project(
        name=name or contract.title, contract=contract, customer=contract.customer,
        kind=ProjectKind.CHANGE if changed else ProjectKind.NEW, changes_project=changed,
        start_date=contract.start_date, end_date=contract.end_date, opened_by=user, description=description,
    )
    if category:
        project.category = category
    with transaction.atomic():
        project.code = next_project_code()
        records.create(project, user, comment=display.message(gettext_noop("Project change opened.") if changed
                                                       else gettext_noop("Project opened.")))
        if goals:
            set_links(project, "goals", goals, user)
    return project


def appoint_manager(project, manager, user, comment=""):
    """The Service Department appoints the project manager (SP-4.3.2); the PM joins the team as such."""
    if not allowed(user, Project, "appoint"):
        raise PermissionDenied(_t("Only the Service Department appoints the project manager."))
    if Role.PROJECT_MANAGER not in manager.own_roles:
        raise ValidationError({"manager": _t("%(user)s does not hold the project manager role.") % {"user": manager}})
    with transaction.atomic():
        before = audit.snapshot(project)
        project.manager = manager
        project.manager_appointed_by = user
        project.manager_appointed_at = timezone.now()
        records.update(project, user, before,
                       comment=comment or display.message(gettext_noop("Project manager appointed.")))
        membership = TeamMember.objects.filter(project=project, user=manager).first()
        if membership is None:
            records.create(TeamMember(project=project, user=manager, role=ProjectRole.PROJECT_MANAGER, allocation=50,
                                      start_date=project.start_date, end_date=project.end_date), user)
    return project


def can_manage_team(user, project) -> bool:
    """The project's own PM forms the team (SP-4.3.2); the Service Department may too."""
    if not allowed(user, TeamMember, "add"):
        return False
    return project.manager_id == user.pk or user.has_role(Role.SERVICE_MANAGER, Role.SERVICE_STAFF, Role.ADMIN)


def check_team_rights(user, project):
    if not can_manage_team(user, project):
        raise PermissionDenied(_t("Only the project's manager or the Service Department changes its team."))


def save_member(member, user, before=None):
    check_team_rights(user, member.project)
    if before is None:
        return records.create(member, user)
    return records.update(member, user, before)


def remove_member(member, user):
    check_team_rights(user, member.project)
    records.delete(member, user)


# ---- team checks: skills the SLA needs, over-allocation -------------------------------------

def skill_gaps(project, members=None):
    """[(requirement, have, need)] for the contract tier's skill requirements the team does not cover."""
    members = list(members if members is not None else project.team.all())
    user_ids = [m.user_id for m in members]
    from presales.models import StaffSkill  # staff skills are kept with the pre-sales fit check (issue 4)

    held = defaultdict(dict)
    for row in StaffSkill.objects.filter(user_id__in=user_ids):
        held[row.user_id][row.skill.strip().lower()] = SKILL_RANK.get(row.level, 0)
    gaps = []
    for requirement in project.contract.service_tier.skills.all():
        need_rank = SKILL_RANK.get(requirement.level, 0)
        have = sum(1 for uid in set(user_ids) if held[uid].get(requirement.skill.strip().lower(), 0) >= need_rank)
        if have < requirement.headcount:
            gaps.append((requirement, have, requirement.headcount))
    return gaps


def peak_allocation(periods):
    """Highest summed allocation over overlapping periods: (percent, first day, last day) of the peak.

    `periods` are (start, end, percent) with inclusive dates. A sweep over start and end events.
    """
    events = []
    for start, end, percent in periods:
        events.append((start, 1, percent))
        events.append((end + timedelta(days=1), 0, -percent))
    events.sort(key=lambda e: (e[0], e[1]))
    load, best, best_from = 0, 0, None
    for day, _kind, delta in events:
        load += delta
        if load > best:
            best, best_from = load, day
    if best_from is None:
        return 0, None, None
    best_to = max(end for start, end, _p in periods if start <= best_from <= end)
    for start, end, _p in periods:
        if start <= best_from <= end:
            best_to = min(best_to, end)
    return best, best_from, best_to


def over_allocations(project, members=None):
    """[(member, peak %, from, to)] for members whose allocations across all projects exceed 100 %."""
    members = list(members if members is not None else project.team.select_related("user"))
    by_user = defaultdict(list)
    others = TeamMember.objects.filter(user_id__in=[m.user_id for m in members])
    for row in others.exclude(project__status=ProjectStatus.CLOSED):
        by_user[row.user_id].append(row)
    result = []
    for member in members:
        mine = (member.start_date, member.end_date)
        periods = [(r.start_date, r.end_date, r.allocation) for r in by_user[member.user_id]
                   if r.start_date <= mine[1] and mine[0] <= r.end_date]
        peak, start, end = peak_allocation(periods)
        if peak > 100:
            result.append((member, peak, start, end))
    return result


def team_warnings(project):
    """Warnings (not errors) about the team: missing SLA skills and over-allocation."""
    members = list(project.team.select_related("user"))
    warnings = []
    for requirement, have, need in skill_gaps(project, members):
        warnings.append(_t("The SLA needs %(need)s × %(skill)s (%(level)s or better); the team has %(have)s.")
                        % {"need": need, "skill": requirement.skill, "level": requirement.get_level_display(),
                           "have": have})
    for member, peak, start, end in over_allocations(project, members):
        warnings.append(_t("%(user)s is allocated %(peak)s %% across projects from %(start)s to %(end)s.")
                        % {"user": member.user, "peak": peak, "start": start, "end": end})
    return warnings


def team_user_ids(project) -> set[int]:
    return set(TeamMember.objects.filter(project_id=project.pk).values_list("user_id", flat=True))
