"""Process-compliance rules of project closure (procedure 4.5.2-3): a closed project has its summary report approved and
the customer's acceptance of its certificate, still valid.

A project closes through its closure record, whose checklist refuses to close while either is missing; these rules
find the projects closed all the same: imported as closed from an earlier system, or whose records were changed
in the database after closing. Each reads the closed projects and their summaries, closures, certificates and
decisions in a few queries; only a closed project whose certificate the customer accepted has its acceptance
checked with `acceptance_valid` (the same decision the certificate's page shows).
"""

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.choices import RecordStatus
from core.compliance import Severity, Violation, rule
from core.display import message
from projects.choices import ProjectStatus
from projects.models import Project

from .models import ProjectClosure, SummaryReport
from .models.acceptance import Acceptance, AcceptanceCertificate, CertificateStatus, Decision
from .services.acceptance import acceptance_valid

# The states an approved summary report version is in: approved, or approved once and superseded by a newer one.
APPROVED_SUMMARY_STATES = (RecordStatus.APPROVED, RecordStatus.SUPERSEDED)


def closed_projects(scope):
    return scope.narrow(Project.objects.filter(status=ProjectStatus.CLOSED)).order_by("pk")


def closing_times(projects):
    """{project id: when it was closed} through its closure record (a project imported as closed has none)."""
    rows = ProjectClosure.objects.filter(project__in=projects, closed_at__isnull=False) \
        .values("project").annotate(at=Max("closed_at"))
    return {row["project"]: row["at"] for row in rows}


def closures(projects):
    """{project id: its closure record (the latest version)}, for the finding's links."""
    return {c.project_id: c for c in ProjectClosure.objects.filter(project__in=projects, successor__isnull=True)}


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


@rule("CLS-1", clause="8.1", severity=Severity.MAJOR, sp="SP-4.5.2",
      title=_("Project closed without an approved summary report"),
      explanation=_("A project is closed only after its summary report is approved by the Service Department "
                    "manager (procedure 4.5.2). Found: a closed project whose summary report was never approved, or "
                    "was approved only after the project closed."))
def closed_without_summary(scope):
    projects = list(closed_projects(scope).select_related("contract"))
    if not projects:
        return
    closed_at = closing_times(projects)
    first_approved = {row["project"]: row["at"] for row in SummaryReport.objects.filter(
        project__in=projects, status__in=APPROVED_SUMMARY_STATES, approved_at__isnull=False)
        .values("project").annotate(at=Min("approved_at"))}
    latest = {}
    for report in SummaryReport.objects.filter(project__in=projects).order_by("project", "version"):
        latest[report.project_id] = report
    closure_of = closures(projects)
    for project in projects:
        approved, closed = first_approved.get(project.pk), closed_at.get(project.pk)
        if approved is not None and (closed is None or approved <= closed):
            continue
        report = latest.get(project.pk)
        related = tuple(r for r in (closure_of.get(project.pk), report) if r is not None)
        if report is None:
            text = message(gettext_noop("Project %(project)s is closed with no summary report."),
                           project=project.code)
        elif approved is not None:
            text = message(gettext_noop("Project %(project)s was closed on %(closed)s; its summary report %(report)s "
                                        "was approved only on %(approved)s."), project=project.code,
                           closed=_local_date(closed), report=report.number, approved=_local_date(approved))
        else:
            text = message(gettext_noop("Project %(project)s is closed; its summary report %(report)s was never "
                                        "approved."), project=project.code, report=report.number)
        yield Violation(project, text, occurred=_local_date(closed), related=related)


@rule("CLS-2", clause="8.1", severity=Severity.MAJOR, sp="SP-4.5.3",
      title=_("Project closed without a valid customer acceptance"),
      explanation=_("A project is closed only after the customer accepted its acceptance certificate (procedure "
                    "4.5.3), and the acceptance stays valid only while the certificate is the version and the "
                    "document the customer decided on. Found: a closed project with no certificate, a certificate "
                    "the customer did not accept, or an acceptance no longer valid because the certificate changed "
                    "after it."))
def closed_without_acceptance(scope):
    projects = list(closed_projects(scope))
    if not projects:
        return
    certificates = {}
    for cert in AcceptanceCertificate.objects.filter(project__in=projects) \
            .exclude(status=CertificateStatus.SUPERSEDED).order_by("project", "version", "pk"):
        certificates[cert.project_id] = cert  # the certificate in force: the latest not superseded
    decisions = {}
    for decision in Acceptance.objects.filter(certificate__in=certificates.values()) \
            .order_by("certificate", "decided_at", "pk"):
        decisions[decision.certificate_id] = decision  # the customer's last decision on it
    closure_of = closures(projects)
    for project in projects:
        cert = certificates.get(project.pk)
        decision = decisions.get(cert.pk) if cert is not None else None
        related = tuple(r for r in (closure_of.get(project.pk), cert) if r is not None)
        if cert is None:
            text = message(gettext_noop("Project %(project)s is closed with no acceptance certificate."),
                           project=project.code)
        elif cert.status != CertificateStatus.ACCEPTED or decision is None or decision.decision != Decision.ACCEPTED:
            text = message(gettext_noop("Project %(project)s is closed; the customer has not accepted its acceptance "
                                        "certificate %(certificate)s."), project=project.code, certificate=cert.number)
        elif not acceptance_valid(decision):
            text = message(gettext_noop("Project %(project)s is closed; the customer's acceptance of %(certificate)s "
                                        "V%(version)s on %(date)s is no longer valid: the certificate changed "
                                        "after the decision."), project=project.code, certificate=cert.number,
                           version=decision.document_version, date=_local_date(decision.decided_at))
        else:
            continue
        yield Violation(project, text, occurred=_local_date(decision.decided_at) if decision else None,
                        related=related)
