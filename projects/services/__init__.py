"""Services of the project stage, one module per sub-domain; pages, API, workflows and tests call them here."""

from .changes import (
    COMPARED_FIELDS,
    baseline_comparison,
    can_prepare_revision,
    compare,
    compared_label,
    comparison_for,
    latest_version,
    open_change,
    start_revision,
)
from .plans import resolve_finding
from .progress import can_record_progress, can_record_progress_on, progress_by_key, project_progress, record_progress
from .project import (
    SKILL_RANK,
    appoint_manager,
    can_manage_team,
    check_team_rights,
    contract_is_signed,
    next_project_code,
    open_project,
    over_allocations,
    peak_allocation,
    project_of_contract_chain,
    remove_member,
    save_member,
    signed_contracts,
    skill_gaps,
    team_user_ids,
    team_warnings,
)
from .workplan import (
    cascade,
    critical_tasks,
    delete_task,
    dependency_problems,
    import_tasks,
    plan_links,
    plan_problems,
    renumber,
    reschedule,
    roll_up_parents,
    save_dependency,
    save_task,
    schedule_of,
    task_problems,
)

__all__ = [
    "COMPARED_FIELDS", "SKILL_RANK", "appoint_manager", "baseline_comparison", "can_manage_team",
    "can_prepare_revision", "can_record_progress", "can_record_progress_on", "check_team_rights", "compare",
    "compared_label", "comparison_for", "contract_is_signed", "delete_task", "dependency_problems", "import_tasks",
    "latest_version", "next_project_code", "open_change", "open_project", "over_allocations", "peak_allocation",
    "cascade", "critical_tasks", "plan_links", "plan_problems", "progress_by_key", "project_of_contract_chain",
    "project_progress",
    "record_progress", "remove_member", "renumber", "reschedule", "resolve_finding", "roll_up_parents", "save_member",
    "save_dependency", "save_task", "schedule_of", "signed_contracts", "skill_gaps", "start_revision",
    "task_describer", "task_problems",
    "team_user_ids", "team_warnings", "wbs_order",
]
