"""The closure stage's part of the demo company: one project summarised, reviewed, accepted and closed."""


def load(context):
    # ---- project closure ----
    _closure_drafted(context)


# ---- project closure ----------------------------------------------------------------------------------
# The running 温州水务 project: its PM has drafted the closure record early, to follow what is still open on the
# checklist (tasks, the change in review, the meeting action about the project) as the year runs.

def _closure_drafted(context):
    from contracts.demo import CHAIN_TITLE
    from core import records
    from core.context import acting_as
    from core.demo import REQUEST_ID
    from projects.models import Project

    from .models import ProjectClosure

    project = Project.objects.filter(contract__title=CHAIN_TITLE, manager__isnull=False).order_by("created").first()
    if project is None or ProjectClosure.objects.filter(project=project).exists():
        return
    pm = project.manager
    with acting_as(pm, request_id=REQUEST_ID):
        records.create(ProjectClosure(project=project, title=f"{project.name} 项目关闭", owner_department=pm.department,
                                      notes="提前起草关闭记录，按关闭清单逐项跟踪未完成事项（任务、变更、会议行动项、末期月报、记录归档）。"),
                       pm)
