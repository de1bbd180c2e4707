"""Choices of the project stage (SP-4.3, SP-4.4); other apps (monthly reports) import these."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    NEW = "new", _("New project")
    CHANGE = "change", _("Project change")


class ProjectStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ProjectCategory(models.TextChoices):
    OPERATIONS = "operations", _("IT operations and maintenance")
    IMPLEMENTATION = "implementation", _("Implementation / integration")
    CONSULTING = "consulting", _("Consulting")
    SUPPORT = "support", _("Technical support")
    OTHER = "other", _("Other")


class ProjectRole(models.TextChoices):
    PROJECT_MANAGER = "pm", _("Project manager")
    TECHNICAL_LEAD = "lead", _("Technical lead")
    ENGINEER = "engineer", _("Engineer")
    SERVICE_DESK = "desk", _("Service desk")
    QUALITY = "quality", _("Quality assurance")
    OTHER = "other", _("Other")


class InitiationStatus(models.TextChoices):
    """Initiation application: the department manager approves first, then the Technical Service Division."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Department review")
    DEPT_APPROVED = "dept_approved", _("Division review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Open")
    APPROVED = "approved", _("Concluded")
    SUPERSEDED = "superseded", _("Superseded")


class ReviewVerdict(models.TextChoices):
    PENDING = "pending", _("Not decided")
    PASSED = "passed", _("Passed")
    PASSED_WITH_CONDITIONS = "conditional", _("Passed with conditions")
    FAILED = "failed", _("Failed (revise and review again)")


PASSING_VERDICTS = (ReviewVerdict.PASSED, ReviewVerdict.PASSED_WITH_CONDITIONS)


class FindingState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed (fixed)")
    ACCEPTED = "accepted", _("Accepted (no change)")


class FindingSeverity(models.TextChoices):
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    SUGGESTION = "suggestion", _("Suggestion")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ReportPeriod(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ReportSection(models.TextChoices):
    """Content of the service report agreed with the customer (read by the monthly report, SP-4.5.1)."""

    SERVICE_SUMMARY = "summary", _("Service status summary")
    TICKET_STATISTICS = "tickets", _("Ticket statistics")
    SLA_ACHIEVEMENT = "sla", _("SLA target achievement")
    AVAILABILITY = "availability", _("Availability and outages")
    PROBLEM_TRENDS = "problems", _("Problem trends")
    CHANGES = "changes", _("Changes and maintenance")
    RISKS = "risks", _("Risks and issues")
    IMPROVEMENTS = "improvements", _("Improvement actions")
    NEXT_PERIOD = "next_period", _("Plan for the next period")


class ObjectiveMetric(models.TextChoices):
    RESPONSE = "response", _("Response within target")
    RESOLUTION = "resolution", _("Resolution within target")
    AVAILABILITY = "availability", _("Availability")
    SATISFACTION = "satisfaction", _("Customer satisfaction")
    OTHER = "other", _("Other")


class WorkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved (baseline)")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Rejected change")


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REQUESTED = "requested", _("Requested (plan being revised)")
    CHECKED = "in_review", _("Checked by the PM, awaiting approval")
    APPROVED = "approved", _("Approved (in effect)")
    REJECTED = "rejected", _("Rejected")


class ChangeForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    VERBAL = "verbal", _("Verbal")


class ChangeKind(models.TextChoices):
    ACTIVITIES = "activities", _("Planned activities")
    STAFF = "staff", _("Assigned staff")
    BOTH = "both", _("Activities and staff")
