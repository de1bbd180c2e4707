"""CLS-1 and CLS-2: a project closed without an approved summary report, or without a valid customer acceptance.

The demo's finished project is closed through its checklist (summary approved, certificate accepted): compliant.
ServPlan's own closing refuses while either is missing, so the violations are made as they arise: a project
imported as closed from an earlier system (its status written directly), or records changed in the database after
the project closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from closure.demo import finished_project
from closure.models import AcceptanceCertificate, ProjectClosure, SummaryReport
from closure.services import acceptance
from core import compliance
from core.compliance import CheckScope
from core.display import readable
from projects.choices import ProjectStatus
from projects.models import Project
from projects.tests.helpers import opened_project

pytestmark = pytest.mark.django_db


def found(rule_id, contracts=None):
    scope = CheckScope(timezone.localdate(), frozenset(contracts) if contracts is not None else None)
    return {v.obj.pk: v for v in compliance.get(rule_id).find(scope)}


def imported_as_closed(project):
    # Legacy data: closed in the company's earlier system and imported so; no service closes it this way.
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.CLOSED)


def test_the_demo_project_closed_through_its_checklist_is_compliant(demo):
    project = finished_project()
    assert project.status == ProjectStatus.CLOSED
    assert acceptance.is_accepted(project)
    assert project.pk not in found("CLS-1") and project.pk not in found("CLS-2")


def test_a_project_closed_without_summary_or_acceptance_is_found_by_both(demo):
    project = opened_project(demo)
    assert project.pk not in found("CLS-1") and project.pk not in found("CLS-2"), "an open project is not checked"
    imported_as_closed(project)
    summary, accepted = found("CLS-1")[project.pk], found("CLS-2")[project.pk]
    assert "no summary report" in readable(summary.message)
    assert "no acceptance certificate" in readable(accepted.message)
    assert project.pk not in found("CLS-1", contracts=[finished_project().contract_id]), "narrowed to the scope"
    assert project.pk in found("CLS-1", contracts=[project.contract_id])


def test_an_acceptance_made_invalid_after_closing_is_found(demo):
    project = finished_project()
    cert = acceptance.certificate_of(project)
    # Tampered data: the accepted certificate's wording edited in the database after the customer's decision.
    AcceptanceCertificate.objects.filter(pk=cert.pk).update(statement=cert.statement + "（另含二期扩容）")
    violation = found("CLS-2")[project.pk]
    assert "no longer valid" in readable(violation.message) and cert in violation.related
    assert project.pk not in found("CLS-1")


def test_a_summary_approved_only_after_the_closing_is_found(demo):
    project = finished_project()
    closed_at = ProjectClosure.objects.get(project=project, closed_at__isnull=False).closed_at
    report = SummaryReport.objects.get(project=project, status="approved")
    # Tampered data: the approval moved after the closing (ServPlan's checklist refuses to close before it).
    SummaryReport.objects.filter(pk=report.pk).update(approved_at=closed_at + timedelta(days=2))
    violation = found("CLS-1")[project.pk]
    assert "approved only on" in readable(violation.message) and report in violation.related
