"""Annual goals: project links following a new version, progress rolled up from projects."""

from django.utils.translation import gettext as _t

from core.exports import Section, Table

from .progress import project_progress


def carry_project_links(old, new, user):
    """The projects linked to a goal of `old` are linked to the goal with the same code in `new` (audited)."""
    from core.rows import set_links

    copies = {goal.code: goal for goal in new.goals.all()}
    for goal in old.goals.prefetch_related("projects"):
        if goal.code in copies:
            set_links(copies[goal.code], "projects", goal.projects.all(), user)


def goal_progress(goal):
    """(% rolled up, [(project, % or None)]): the mean progress of the linked projects with a baseline."""
    rows = [(project, project_progress(project)) for project in goal.projects.all()]
    known = [p for _project, p in rows if p is not None]
    return (round(sum(known) / len(known), 1) if known else None), rows


def goals_with_progress(record):
    result = []
    for goal in record.goals.select_related("owner_department").prefetch_related("allocations__department",
                                                                               "allocations__responsible"):
        percent, projects = goal_progress(goal)
        result.append((goal, percent, projects))
    return result


def goals_sections(record, language):
    rows = []
    allocations = []
    for goal, percent, projects in goals_with_progress(record):
        rows.append([goal.code, goal.name, goal.measure, goal.target, str(goal.owner_department),
                     ", ".join(p.code for p, _pc in projects), "—" if percent is None else f"{percent}%"])
        for a in goal.allocations.all():
            allocations.append([goal.code, a.task, str(a.department), str(a.responsible or ""), a.due_date])
    sections = [Section(_t("Summary"), [p for p in record.summary.splitlines() if p.strip()])] if record.summary else []
    sections.append(Section(_t("Goals"), tables=[Table(
        [_t("Code"), _t("Goal"), _t("Measure"), _t("Target"), _t("Department"), _t("Projects"), _t("Progress")],
        rows)]))
    sections.append(Section(_t("Task allocation"), tables=[Table(
        [_t("Goal"), _t("Task"), _t("Department"), _t("Responsible"), _t("Due date")], allocations)]))
    return sections
