"""Planted violations: approvals and the audit trail (WF-1, WF-2, WF-3, AUD-1).

The workflow engine refuses a self-approval, an approver without the role and a delegation not in force, so these
reach the database only around it: each record is written and approved through the services a user would use
(core.records, core.workflow, org.services for the delegations), then the transition log, the record's status or
an audit entry is edited directly, as someone with database access would. Fresh procedure documents carry them,
so no stage's rule (contracts, projects, reports) sees them.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core import records, workflow
from core.context import acting_as
from core.models import AuditEntry, TransitionLog
from documents.models import ProcedureDocument
from org import services as delegations
from org.models import Delegation

from . import Expected


def _procedure(author, title, submit=True):
    with acting_as(author):
        document = records.create(ProcedureDocument(title=title, owner_department=author.department), author)
        if submit:
            workflow.fire(document, "submit", author)
    document.refresh_from_db()
    return document


def _approved(author, approver, title):
    document = _procedure(author, title)
    with acting_as(approver):
        workflow.fire(document, "approve", approver, "同意")
    document.refresh_from_db()
    return document


def _approval_log(document):
    return TransitionLog.objects.get(content_type=ContentType.objects.get_for_model(document), object_id=document.pk,
                                     transition="approve")


def _delegate(delegator, delegate, start, days=7):
    with acting_as(delegator):
        return delegations.save(Delegation(delegate=delegate, start=start, end=start + timedelta(days=days),
                                           reason="planted"), delegator)


def plant(demo):
    author, approver, now = demo["svc_manager"], demo["mr"], timezone.now()
    expected = []

    # WF-1: approved by its author (who holds an approving role, so WF-2 does not apply).
    own = _approved(author, approver, "自批程序文件")
    log = _approval_log(own)
    TransitionLog.objects.filter(pk=log.pk).update(user=author)
    expected.append(Expected("WF-1", own, f"log-{log.pk}"))

    # WF-1: approved by a delegate acting for the author, under a delegation in force (so WF-2 does not apply).
    _delegate(author, demo["svc_staff"], now - timedelta(hours=1))
    by_delegate = _approved(author, approver, "代理自批程序文件")
    log = _approval_log(by_delegate)
    TransitionLog.objects.filter(pk=log.pk).update(user=demo["svc_staff"], on_behalf_of=author)
    expected.append(Expected("WF-1", by_delegate, f"log-{log.pk}"))

    # WF-2: approved by a team member, whose role may not approve procedures.
    no_role = _approved(author, approver, "无权批准程序文件")
    log = _approval_log(no_role)
    TransitionLog.objects.filter(pk=log.pk).update(user=demo["member"])
    expected.append(Expected("WF-2", no_role, f"log-{log.pk}"))

    # WF-2: approved on behalf of the TSD director by a delegation that starts only tomorrow.
    _delegate(demo["tsd_director"], demo["svc_staff"], now + timedelta(days=1))
    early = _approved(author, demo["tsd_director"], "代理未生效程序文件")
    log = _approval_log(early)
    TransitionLog.objects.filter(pk=log.pk).update(user=demo["svc_staff"], on_behalf_of=demo["tsd_director"])
    expected.append(Expected("WF-2", early, f"log-{log.pk}"))

    # WF-3: submitted, then set to approved by a direct UPDATE (no transition logged).
    edited = _procedure(author, "直接改状态程序文件")
    ProcedureDocument.objects.filter(pk=edited.pk).update(status="approved")
    expected.append(Expected("WF-3", edited))

    # AUD-1: the audit entry of that submission edited afterwards. The chain breaks there, and verification stops
    # at the first break: the rows changed outside ServPlan above (WF-3's status) are not reported separately.
    entry = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(edited),
                                      object_id=str(edited.pk)).order_by("-seq").first()
    AuditEntry.objects.filter(pk=entry.pk).update(comment="改过")
    expected.append(Expected("AUD-1", entry, "altered"))
    return expected
