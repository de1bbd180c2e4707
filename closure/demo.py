"""The closure stage's part of the demo company: one project summarised, reviewed, accepted and closed."""


def load(context):
    # ---- project closure ----
    _closure_drafted(context)
    # ---- summary report ----
    load_summary(context)


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


# ---- summary report ----
def load_summary(context):
    """The summary report of the demo's finished project (its end date passed), generated from its data, with a
    lesson and the handover, submitted by the PM and approved by the Service Department manager. Until the demo has
    a finished project, the running 温州水务 project's report stands in (its figures measured up to today)."""
    from django.utils import timezone

    from contracts.demo import CHAIN_TITLE
    from core import records, workflow
    from core.context import acting_as
    from projects.models import Project

    from .choices import LessonKind
    from .models import Lesson, SummaryReport
    from .services import summary

    today = timezone.localdate()
    project = Project.objects.filter(end_date__lt=today, manager__isnull=False).order_by("end_date").first() or \
        Project.objects.filter(contract__title=CHAIN_TITLE, manager__isnull=False).first()
    if project is None or SummaryReport.objects.filter(project=project).exists():
        return
    pm, manager = context.users["pm"], context.users["svc_manager"]
    with acting_as(pm, request_id="load_demo"):
        report = summary.create_and_generate(
            project, pm,
            conclusion="项目按计划完成交接并进入常态化运维，SLA 总体达标；运维手册交付因客户扩容顺延一周。",
            handover="运维手册、应急预案、监控账号与告警规则已移交客户信息中心；未关闭事项移交驻场工程师黄晓明跟进。")
        records.create(Lesson(report=report, kind=LessonKind.WENT_WELL, description="交接前完成资产梳理，首月即达标",
                              recommendation="新项目启动首周完成资产与账号清点"), pm)
        records.create(Lesson(report=report, kind=LessonKind.TO_IMPROVE, description="客户机房割接延期导致计划变更",
                              recommendation="立项时与客户确认机房割接窗口并列入风险"), pm)
        workflow.fire(report, "submit", pm)
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(report, "approve", manager, "同意，数据冻结")
