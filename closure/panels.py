"""What the closure stage adds to earlier stages' pages (registered in ClosureConfig.ready, never imported by them)."""

from core.extensions import register_detail_panel
from core.permissions import allowed

# ---- project closure ----
from .models import ProjectClosure

SHOWN = 10  # open items listed on the project's page; the closure record lists them all


def project_closure(project, user):
    """On the project's page: its closure checklist (open items linked to what settles them), or, once closed,
    the closure record that closed it."""
    from .services.closure import checklist, closure_of

    if not allowed(user, ProjectClosure, "view"):
        return None
    closure = closure_of(project)
    if closure is not None and closure.checklist_snapshot:
        return {"closure": closure, "frozen": True}
    rows = checklist(project)
    open_rows = [row for row in rows if row.open]
    return {"closure": closure, "frozen": False, "open_rows": open_rows[:SHOWN], "open_count": len(open_rows),
            "more": max(len(open_rows) - SHOWN, 0), "settled": len(rows) - len(open_rows)}


def register():
    register_detail_panel("projects.project", "closure/panels/project_closure.html", project_closure)
