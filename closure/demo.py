"""The closure stage's part of the demo company: one project summarised, reviewed, accepted and closed.

The finished project is projects.demo's cut-over support project of 温州水务 (its contract ran July to September
2026). Its closure needs the customer twice: his contact answers the survey of each issued monthly report (the
summary report reads the answers) and accepts the certificate in the customer view. The contact's sign-in is
given by portal.demo, which comes after this module, so portal.demo calls `finish_project(context, customer)`
once the contact can sign in; this module's `load` drafts the running project's closure only. Every step is
idempotent (skipped when its record exists) and goes through the stage's services, as the people would.
"""


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


# ---- summary report ----
def load_summary(context, project):
    """The finished project's summary report, generated from its data, with two lessons and the handover,
    submitted by the PM and approved by the Service Department manager (its figures frozen)."""
    from core import records, workflow
    from core.context import acting_as

    from .choices import LessonKind
    from .models import Lesson, SummaryReport
    from .services import summary

    existing = SummaryReport.objects.filter(project=project).order_by("-version").first()
    if existing is not None:
        return existing
    pm, manager = context.users["pm"], context.users["svc_manager"]
    with acting_as(pm, request_id="load_demo"):
        report = summary.create_and_generate(
            project, pm,
            conclusion="营收系统 V6.2 割接一次成功、业务无中断；保障期三个月运行平稳，未达标指标均已在当月服务月报中"
                       "分析并落实改进；项目按期完成并移交常态化运维。",
            delivery_commentary="基线计划的全部任务已完成：割接演练与回退验证延期 1 天完成，未影响割接；应客户要求割接"
                                "窗口顺延三天（变更已批准，计划第 2 版为基线）。",
            handover="割接方案、回退方案、运维手册与应急预案已移交客户信息中心；保障期结束时未关闭的工单转入年度应用"
                     "运维服务合同，由驻场工程师黄晓明继续跟进。")
        records.create(Lesson(report=report, kind=LessonKind.WENT_WELL,
                              description="割接前完成两轮演练与回退验证，割接一次成功",
                              recommendation="重大割接坚持至少两轮演练并验证回退"), pm)
        records.create(Lesson(report=report, kind=LessonKind.TO_IMPROVE,
                              description="营业网点客户端升级延后，割接窗口顺延三天",
                              recommendation="立项时与客户确认网点客户端升级计划并列入风险"), pm)
        workflow.fire(report, "submit", pm)
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(report, "approve", manager, "同意，数据冻结")
    return report


# ---- the finished project: the customer's surveys, summary, internal review, acceptance, closure ----------
# Called by portal.demo once the customer contact can sign in (see the module's docstring).

# The customer's answer to the survey of each issued monthly report of the ended contract: month: (score, comment)
SURVEY = {7: (5, "割接组织严密，一次成功，满意。"), 8: (4, "个别 P2 工单处理偏慢，希望加强夜间支持。"),
          9: (5, "保障期服务稳定，交接清楚。")}
ACCEPTANCE_SURVEY = (5, "项目按期完成，交付物齐全，感谢项目组。")
ACCEPTANCE_COMMENT = "割接及保障期服务符合合同约定；SLA 偏差已知悉并同意接受。同意验收。"
# The criterion the project team adds for the Technical Service Division: (criterion, reference, evidence)
TSD_CRITERION = ("运维手册与应急预案通过技术服务事业部技术评审", "运维手册 V1.0、应急预案 V1.0",
                 "技术服务事业部评审了运维手册与应急预案，评审意见已全部关闭，文件已随项目移交客户。")


def finished_project():
    """The project of the ended cut-over support contract (projects.demo), or None."""
    from contracts.demo import FINISHED_TITLE
    from projects.models import Project

    return Project.objects.filter(contract__title=FINISHED_TITLE, manager__isnull=False).order_by("created").first()


def finish_project(context, customer):
    """The finished project from its issued reports to its closure, `customer` (the contact's user) taking part.
    Skipped until the project's last report is issued (reporting.demo)."""
    from reporting.models import MonthlyServiceReport

    project = finished_project()
    if project is None:
        return
    end = project.contract.end_date
    if not MonthlyServiceReport.objects.filter(contract__number=project.contract.number, year=end.year,
                                               month=end.month, status="issued").exists():
        return
    _customer_rates_reports(project, customer)
    report = load_summary(context, project)
    review = _internal_review(context, project, report)
    certificate = _certificate(context, project, review)
    _customer_accepts(certificate, customer)
    _closed(context, project)


def _customer_rates_reports(project, customer):
    """The customer contact answers the survey of each issued report of the contract (in the customer view)."""
    from core.context import acting_as
    from reporting.models import MonthlyServiceReport
    from reporting.services import satisfaction

    reports = MonthlyServiceReport.objects.filter(contract__number=project.contract.number, status="issued") \
        .order_by("year", "month")
    with acting_as(customer, request_id="load_demo"):
        for report in reports:
            if report.month in SURVEY and satisfaction.may_answer(customer, report):
                score, comment = SURVEY[report.month]
                satisfaction.answer_report(report, customer, score, comment)


def _sla_deviation(report):
    """The targets the summary's frozen figures show missed over the contract period, as the reviewer words the
    deviation (empty when every target was met)."""
    sla = report.snapshot.get("sla") or {}
    missed = []
    for row in sla.get("priorities", []):
        for metric, label in (("response", "响应及时率"), ("resolution", "解决及时率")):
            value = row.get(metric) or {}
            if value.get("met") is False:
                missed.append(f"{row['priority']} {label} {value['percent']:g}%（目标 {value['target']:g}%）")
    availability = sla.get("availability") or {}
    if availability.get("met") is False:
        missed.append(f"服务可用率 {availability['actual']:g}%（目标 {availability['target']:g}%）")
    return "、".join(missed)


def _internal_review(context, project, report):
    """The internal review: the criteria proposed from the contract and the plan, one added for the Technical
    Service Division, evidence from the summary and the monthly reports; the Service Department's reviewer passes
    its criteria and accepts the SLA's deviation (the missed targets of the period), the division's its own."""
    from core import audit, records, workflow
    from core.context import acting_as
    from core.models import RecordIndex
    from core.rows import set_links
    from reporting.models import MonthlyServiceReport

    from .models import ReviewCriterion
    from .models.review import CriterionSource, ReviewStatus, Verdict
    from .services import review as reviews

    existing = reviews.review_of(project)
    if existing is not None:
        return existing
    users, departments = context.users, context.departments
    pm = users["pm"]
    reports = list(MonthlyServiceReport.objects.filter(contract__number=project.contract.number, status="issued")
                   .order_by("year", "month"))
    report_numbers = "、".join(f"{r.number}（{r.year}-{r.month:02d}）" for r in reports)
    baseline = project.baseline()
    evidence_index = list(RecordIndex.objects.filter(
        number__in=[report.number, baseline.number, *[r.number for r in reports]], is_latest=True)
        .values_list("pk", flat=True))
    deviation = _sla_deviation(report)
    with acting_as(pm, request_id="load_demo"):
        review = reviews.start_review(project, pm)
        criterion, reference, evidence = TSD_CRITERION
        records.create(ReviewCriterion(review=review, criterion=criterion, source=CriterionSource.ADDED,
                                       reference=reference, department=departments["tsd"], evidence=evidence), pm)
        for row in review.criteria.all():
            if not row.evidence:
                before = audit.snapshot(row)
                row.evidence = (f"项目总结报告 {report.number}（已批准，数据冻结）；工作计划表 {baseline.number} "
                                f"第 {baseline.version} 版（全部任务完成）；服务月报 {report_numbers}。")
                records.update(row, pm, before)
            set_links(row, "evidence_records", evidence_index, pm)
        workflow.fire(review, "submit", pm, "请服务部与技术服务事业部评审")
    judges = {departments["service"].pk: users["svc_staff"], departments["tsd"].pk: users["tsd_staff"]}
    for row in review.criteria.order_by("pk"):
        judge = judges.get(row.department_id)
        if judge is None:
            continue
        review.refresh_from_db()
        if review.status != ReviewStatus.IN_REVIEW:
            break
        with acting_as(judge, request_id="load_demo"):
            if deviation and "SLA" in row.criterion and row.source == CriterionSource.CONTRACT:
                reviews.give_verdict(row, judge, Verdict.DEVIATION, "保障期整体达标，个别指标未达标。",
                                     deviation=f"{deviation}；原因已在当月服务月报中分析并落实改进措施，"
                                               "影响轻微，同意按偏差接受。")
            else:
                reviews.give_verdict(row, judge, Verdict.PASS, "证据齐全，符合要求。")
    review.refresh_from_db()
    return review


def _certificate(context, project, review):
    """The certificate generated from the passed review, approved by the Service Department manager and offered
    to the customer (acceptance requested; the customer decides in the customer view)."""
    from core import workflow
    from core.context import acting_as

    from .models.acceptance import CertificateStatus
    from .services import acceptance

    certificate = acceptance.certificate_of(project)
    if certificate is not None or review is None or review.status != "approved":
        return certificate
    pm, manager = context.users["pm"], context.users["svc_manager"]
    with acting_as(pm, request_id="load_demo"):
        certificate = acceptance.generate_certificate(review, pm)
        workflow.fire(certificate, "submit", pm, "验收证明提交审批")
    with acting_as(manager, request_id="load_demo"):
        workflow.fire(certificate, "approve", manager, "同意，提请客户验收")
    with acting_as(pm, request_id="load_demo"):
        certificate.refresh_from_db()
        if certificate.status == CertificateStatus.APPROVED:
            # A one-time signing link goes to the customer's contacts with an e-mail address as well; the contact
            # decides in the customer view, so the link stays unused (and can no longer be used once decided).
            contacts = [c for c in certificate.customer.contacts.select_related("user").order_by("-primary", "name")
                        if acceptance.address_of(c)][:1]
            acceptance.request_acceptance(certificate, pm, contacts)
    certificate.refresh_from_db()
    return certificate


def _customer_accepts(certificate, customer):
    """The customer contact accepts the certificate in the customer view and answers the acceptance survey."""
    from core.context import acting_as
    from reporting.choices import SurveyOccasion
    from reporting.models import SatisfactionResponse
    from reporting.services import satisfaction

    from .models.acceptance import CertificateStatus, Decision
    from .services import acceptance

    if certificate is None:
        return
    with acting_as(customer, request_id="load_demo"):
        if certificate.status == CertificateStatus.REQUESTED:
            acceptance.decide_in_portal(certificate, customer, Decision.ACCEPTED, comments=ACCEPTANCE_COMMENT)
        contract = certificate.project.contract
        if not SatisfactionResponse.objects.filter(contract__number=contract.number, respondent=customer,
                                                   occasion=SurveyOccasion.ACCEPTANCE).exists():
            score, comment = ACCEPTANCE_SURVEY
            satisfaction.record(score=score, occasion=SurveyOccasion.ACCEPTANCE, contract=contract, comment=comment,
                                user=customer)


def _closed(context, project):
    """The PM requests the closure; the Service Department manager closes the project (every checklist item
    settled: tasks, change, last report, records, summary, review, acceptance)."""
    from core import records, workflow
    from core.context import acting_as
    from projects.choices import ProjectStatus

    from .choices import ClosureStatus
    from .models import ProjectClosure
    from .services.closure import closure_of, open_items

    if project.status == ProjectStatus.CLOSED:
        return
    pm, manager = context.users["pm"], context.users["svc_manager"]
    closure = closure_of(project)
    with acting_as(pm, request_id="load_demo"):
        if closure is None:
            closure = records.create(ProjectClosure(
                project=project, title=f"{project.name} 项目关闭", owner_department=pm.department,
                notes="割接与保障期服务已全部交付，客户已签署验收证明；未关闭工单已移交年度运维合同。"), pm)
        if closure.status in (ClosureStatus.DRAFT, ClosureStatus.RETURNED):
            workflow.fire(closure, "request", pm, "项目已验收，申请关闭")
    if open_items(project):
        return  # the checklist shows what is open; the demo does not waive the procedure's own steps
    with acting_as(manager, request_id="load_demo"):
        closure.refresh_from_db()
        workflow.fire(closure, "close", manager, "关闭清单全部完成，同意关闭项目")
