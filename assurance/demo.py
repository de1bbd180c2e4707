"""The demo's external audit: the certification body's surveillance audit of the contracts the demo projects serve,
under way now, with one external auditor account (`ext_auditor`, password servplan-demo) that signs in during the
access window and sees only that contract, its projects and their records."""

from datetime import timedelta

from django.utils import timezone

from core.context import acting_as
from core.demo import DEMO_PASSWORD, REQUEST_ID
from core.roles import Role

from . import engagements
from .models import AuditEngagement

USERNAME = "ext_auditor"
TITLE = "2026 年度 ISO/IEC 20000-1 监督审核"


def load(context):
    from projects.models import Project

    mr, pm = context.users["mr"], context.users["pm"]
    engagement = AuditEngagement.objects.filter(title=TITLE).first()
    with acting_as(mr, request_id=REQUEST_ID):
        if engagement is None:
            sample = {project.contract for project in Project.objects.of_member(pm).select_related("contract")}
            now = timezone.now()
            today = timezone.localdate()
            engagement = engagements.save(
                AuditEngagement(title=TITLE, audit_body="中国质量认证中心（CQC）", coordinator=mr,
                                period_start=today - timedelta(days=365), period_end=today,
                                access_from=now - timedelta(days=1), access_until=now + timedelta(days=90),
                                notes="抽样：项目经理杨帆所负责项目的服务合同。"),
                mr, sorted(sample, key=lambda contract: contract.pk))
        if not engagement.auditors.filter(username=USERNAME).exists():
            auditor = engagements.invite(engagement, mr, username=USERNAME, last_name="钱", first_name="审",
                                         email=f"{USERNAME}@cqc.example.com")
            auditor.set_password(DEMO_PASSWORD)
            auditor.save(update_fields=["password"])
    context.users[USERNAME] = engagement.auditors.get(username=USERNAME)
    context.messages.append(f"  {USERNAME:<14} {'钱审':<8} {Role.EXTERNAL_AUDITOR.label} ({engagement})")


def finish(context):
    """After every stage's data: the Management Representative runs the compliance checks once (the late pass, so
    they read the whole company; the demo company keeps its procedure and they find nothing)."""
    from .checks import run
    from .choices import RunTrigger
    from .models import ComplianceRun

    if ComplianceRun.objects.exists():
        return
    mr = context.users["mr"]
    with acting_as(mr, request_id=REQUEST_ID):
        checked = run(RunTrigger.MANUAL, mr)
    context.messages.append(f"  compliance checks: {checked.rules_run} rules, {checked.found} violations")
