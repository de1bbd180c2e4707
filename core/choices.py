from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordStatus(models.TextChoices):
    """The generic controlled-record states (draft → in review → approved / returned → superseded)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    TRANSITION = "transition", _("Transition")
    APPROVAL_VOTE = "vote", _("Approval vote")
    NEW_VERSION = "new_version", _("New version")
    ATTACH = "attach", _("Attachment added")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    BULK = "bulk", _("Bulk change")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


class ApprovalKind(models.TextChoices):
    ONE = "one", _("Any one approver")
    ALL = "all", _("All listed approvers")
    QUORUM = "quorum", _("Quorum")


class TaskState(models.TextChoices):
    """A background task as its worker leaves it (core.workers.task_state)."""

    QUEUED = "queued", _("Queued")
    NO_WORKER = "no_worker", _("No background worker is running")
    RUNNING = "running", _("Running")
    LOST = "lost", _("Its worker stopped")
    RETRYING = "retrying", _("Waiting to run again")
    FINISHED = "finished", _("Finished")


class JobState(models.TextChoices):
    """A background job (core.jobs) as its owner reads it."""

    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobKind(models.TextChoices):
    EXPORT = "export", _("Export")
    RECOMPUTE = "recompute", _("SLA recompute")
    COMPLIANCE = "compliance", _("Compliance checks")
    EVIDENCE_PACK = "evidence_pack", _("Evidence pack")
