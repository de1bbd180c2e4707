"""Running the process-compliance rules (core.compliance) and keeping what they find (Finding).

    run(trigger, user=None, today=None) -> ComplianceRun     every rule over the whole database
    start(user) -> BackgroundJob                              "Run now": the same run as a background job
    accept(finding, user, justification)                      audited; a justification is required
    raise_improvement(finding, user) -> str                   the improvement's prefilled add page
    register()                                                the scheduled run, the improvement source, the link back

A finding is one rule's violation on one record (and key), kept across runs: found again it stays as it is (open,
accepted, or turned into an improvement) with its last-found time moved on; a resolved one found again opens again;
an open one no longer found is resolved. One rule that fails does not stop the others: its findings stay untouched
and the run says which rule failed.
"""

import logging
from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_noop
from django_tasks import task

from core import audit, compliance, display, jobs, scopes
from core.choices import AuditAction, JobKind
from core.permissions import allowed

from .choices import FindingStatus, RunState, RunTrigger
from .models import ComplianceRun, Finding

logger = logging.getLogger(__name__)

UPDATED_FIELDS = ["clause", "severity", "object_label", "object_url", "message", "occurred", "project", "contract",
                  "customer", "status", "last_found", "last_run", "resolved_at", "updated"]


# ---- the run ---------------------------------------------------------------------------------------------

def run(trigger, user=None, today=None, job=None) -> ComplianceRun:
    """Every rule over the whole database; the findings kept up to date; the run recorded and audited."""
    compliance_run = ComplianceRun.objects.create(trigger=trigger, started_by=user, started_at=timezone.now(),
                                                  job=job)
    return execute(compliance_run, today=today)


def execute(compliance_run, today=None) -> ComplianceRun:
    scope = compliance.CheckScope(today=today or timezone.localdate())
    now = timezone.now()
    rules = compliance.rules()
    failed = []
    for done, rule in enumerate(rules):
        try:
            with transaction.atomic():
                found, new, resolved = _apply_rule(rule, scope, compliance_run, now)
        except Exception as exc:  # one broken rule must not hide what the others find
            logger.exception("compliance rule %s failed", rule.id)
            failed.append(f"{rule.id} ({type(exc).__name__})")
            continue
        compliance_run.rules_run += 1
        compliance_run.found += found
        compliance_run.new += new
        compliance_run.resolved += resolved
        if compliance_run.job_id:
            jobs.progress(compliance_run.job_id, done + 1, len(rules))
    compliance_run.finished_at = timezone.now()
    compliance_run.state = RunState.FAILED if failed else RunState.DONE
    if failed:
        compliance_run.message = display.message(
            gettext_noop("These rules stopped with an error and were not checked: %(rules)s."),
            rules=", ".join(failed))
    compliance_run.save()
    audit.record_entry(AuditAction.CREATE, compliance_run, comment=compliance_run.message, changes={
        "trigger": [None, compliance_run.trigger], "rules_run": [None, compliance_run.rules_run],
        "found": [None, compliance_run.found], "new": [None, compliance_run.new],
        "resolved": [None, compliance_run.resolved]})
    return compliance_run


def _apply_rule(rule, scope, compliance_run, now):
    """(violations found, findings new or opened again, findings no longer found) for one rule."""
    kept = {(f.content_type_id, f.object_id, f.key): f for f in Finding.objects.filter(rule_id=rule.id)}
    seen, new_rows, changed, reopened = set(), [], [], 0
    for violation in rule.find(scope):
        obj = violation.obj
        identity = (ContentType.objects.get_for_model(type(obj)).pk, obj.pk, violation.key or "")
        if identity in seen:
            continue
        seen.add(identity)
        values = _values(rule, violation, compliance_run, now)
        finding = kept.get(identity)
        if finding is None:
            new_rows.append(Finding(rule_id=rule.id, content_type_id=identity[0], object_id=identity[1],
                                    key=identity[2], first_found=now, **values))
            continue
        for name, value in values.items():
            setattr(finding, name, value)
        if finding.status == FindingStatus.RESOLVED:  # found again: open again
            finding.status, finding.resolved_at = FindingStatus.OPEN, None
            reopened += 1
        finding.updated = now
        changed.append(finding)
    gone = [f for identity, f in kept.items() if identity not in seen and f.status == FindingStatus.OPEN]
    for finding in gone:
        finding.status, finding.resolved_at, finding.updated = FindingStatus.RESOLVED, now, now
    Finding.objects.bulk_create(new_rows, batch_size=500)
    Finding.objects.bulk_update(changed + gone, UPDATED_FIELDS, batch_size=500)
    return len(seen), len(new_rows) + reopened, len(gone)


def _values(rule, violation, compliance_run, now) -> dict:
    obj = violation.obj
    model_paths = scopes.paths(type(obj))
    scope = {key: scopes.value_at(obj, path) for key, path in model_paths.items()}
    url = getattr(obj, "get_absolute_url", None)
    return {"clause": rule.clause, "severity": rule.severity, "object_label": _label(obj)[:300],
            "object_url": (url() if url else "")[:300], "message": violation.message,
            "occurred": _moment(violation.occurred), "project_id": scope.get("project"),
            "contract_id": scope.get("contract"), "customer_id": scope.get("customer"),
            "last_found": now, "last_run": compliance_run}


def _label(obj) -> str:
    number, version = getattr(obj, "number", ""), getattr(obj, "version", None)
    if number:
        title = getattr(obj, "title", "")
        return " ".join(str(part) for part in (number, f"v{version}" if version else "", title) if part)
    return f"{obj._meta.verbose_name} {obj}"


def _moment(value):
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    return None


# ---- "Run now" and the schedule ---------------------------------------------------------------------------

def may_run(user) -> bool:
    return allowed(user, ComplianceRun, "add")


def start(user):
    """The run as a background job (JobKind.COMPLIANCE) started by `user`; the job's page follows it."""
    if not may_run(user):
        raise PermissionDenied(_t("Your role may not run the compliance checks."))
    compliance_run = ComplianceRun.objects.create(trigger=RunTrigger.MANUAL, started_by=user,
                                                  started_at=timezone.now())
    job = jobs.start(user, JobKind.COMPLIANCE, _t("Compliance checks"), run_checks_task, compliance_run.pk,
                     total=len(compliance.rules()), link=compliance_run.get_absolute_url())
    ComplianceRun.objects.filter(pk=compliance_run.pk, job__isnull=True).update(job=job)
    return job


def _run_body(job, run_id):
    compliance_run = ComplianceRun.objects.get(pk=run_id)
    if compliance_run.job_id is None:
        compliance_run.job = job
        compliance_run.save(update_fields=["job"])
    try:
        compliance_run = execute(compliance_run)
    except Exception:
        ComplianceRun.objects.filter(pk=run_id).update(state=RunState.FAILED, finished_at=timezone.now())
        raise
    jobs.finish(job.pk, message=display.message(
        gettext_noop("%(rules)s rules checked: %(found)s violations found, %(new)s new, %(resolved)s no longer "
                     "found."), rules=compliance_run.rules_run, found=compliance_run.found, new=compliance_run.new,
        resolved=compliance_run.resolved))


@task()
def run_checks_task(job_id: int, run_id: int) -> str:
    return jobs.run(job_id, _run_body, run_id)


@task()
def scheduled_checks_task() -> int:
    return run(RunTrigger.SCHEDULED).pk


# ---- deciding a finding -----------------------------------------------------------------------------------

def may_decide(finding, user) -> bool:
    return finding.status == FindingStatus.OPEN and \
        Finding.objects.restrict(user, "change").filter(pk=finding.pk).exists()


def accept(finding, user, justification):
    """Accept an open finding with a justification (why it is no nonconformity, or the risk taken); audited."""
    justification = (justification or "").strip()
    if not Finding.objects.restrict(user, "change").filter(pk=finding.pk).exists():
        raise PermissionDenied(_t("Your role may not decide compliance findings."))
    if not justification:
        raise ValidationError({"justification": _t("Give the justification for accepting the finding.")})
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.status != FindingStatus.OPEN:
            raise ValidationError(_t("Only an open finding can be accepted; this one is “%(status)s”.")
                                  % {"status": locked.get_status_display()})
        before = locked.status
        locked.status, locked.justification = FindingStatus.ACCEPTED, justification
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.save(update_fields=["status", "justification", "decided_by", "decided_at", "updated"])
        audit.record_entry(AuditAction.UPDATE, locked, user=user, comment=justification,
                           changes={"status": [before, locked.status], "justification": ["", justification]})
    finding.refresh_from_db()
    return finding


def raise_improvement(finding, user) -> str:
    """The improvement register's add page prefilled from the finding; saving it links the finding to it."""
    from improvement import sources

    if finding.status != FindingStatus.OPEN or not sources.may_raise(finding, user) or \
            not allowed(user, finding, "change"):
        raise PermissionDenied(_t("You may not raise an improvement from this finding."))
    return sources.raise_url(finding)


def link_improvement(improvement, user=None):
    """An improvement saved with a finding as its source: the finding is settled by it (audited)."""
    finding_type = ContentType.objects.get_for_model(Finding)
    if improvement.source_type_id != finding_type.pk or not improvement.source_id:
        return
    with transaction.atomic():
        finding = Finding.objects.select_for_update().filter(pk=improvement.source_id,
                                                             improvement__isnull=True).first()
        if finding is None:
            return
        before = finding.status
        finding.status, finding.improvement = FindingStatus.IMPROVEMENT, improvement
        finding.decided_by, finding.decided_at = user or improvement.author, timezone.now()
        finding.save(update_fields=["status", "improvement", "decided_by", "decided_at", "updated"])
        audit.record_entry(AuditAction.UPDATE, finding, user=finding.decided_by,
                           changes={"status": [before, finding.status], "improvement": [None, improvement.pk]})


def _improvement_saved(sender, instance, created, **kwargs):
    if instance.source_type_id and instance.source_id:
        link_improvement(instance)


# ---- registration -----------------------------------------------------------------------------------------

def _finding_label(finding):
    return f"{finding.rule_id} · {finding.object_label}"


def _finding_suggestion(finding):
    rule = compliance.get(finding.rule_id)
    title = _t("Improvement: %(rule)s %(title)s") % {"rule": finding.rule_id, "title": rule.title if rule else ""}
    return {"title": title.strip()[:200], "plan": display.readable(finding.message)}


def register():
    from django.db.models.signals import post_save

    from core import schedule, worklist
    from improvement import sources
    from improvement.choices import SourceKind
    from improvement.models import Improvement

    schedule.register(scheduled_checks_task, "SERVPLAN_COMPLIANCE_CRON")
    sources.register(sources.Source("assurance.finding", SourceKind.AUDIT_FINDING,
                                    eligible=lambda f: f.status == FindingStatus.OPEN,
                                    contract=lambda f: f.contract, label=_finding_label,
                                    suggest=_finding_suggestion))
    post_save.connect(_improvement_saved, sender=Improvement, dispatch_uid="assurance-finding-improvement")
    worklist.register(findings_to_decide)


# ---- the Management Representative's work queue -----------------------------------------------------------

QUEUE_LIMIT = 50


def findings_to_decide(user, today):
    """Open findings to decide (accept with a justification or turn into an improvement), newest first, for whoever
    decides findings as daily work."""
    from core.worklist import Item, Kind, does_daily

    if not does_daily(user, Finding, "change"):
        return
    rows = Finding.objects.restrict(user, "change").filter(status=FindingStatus.OPEN) \
        .order_by("-first_found", "-pk")[:QUEUE_LIMIT]
    for finding in rows:
        yield Item(key=f"finding:{finding.pk}", kind=Kind.WRITE, url=finding.get_absolute_url(), record=finding,
                   title=_t("Decide the compliance finding: %(finding)s") % {"finding": _finding_label(finding)})
