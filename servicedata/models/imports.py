"""Import runs and what they found: `ImportJob` (one file, API push, connector sync or webhook batch) and its
`QualityFinding`s (each row a data-quality rule excluded, repaired or kept with a warning)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import workers
from core.choices import TaskState
from core.models import BaseModel
from core.querysets import RestrictedQuerySet

from ..choices import Anomaly, ImportFormat, ImportSource, ImportStatus, ProfileField, RuleAction


class ImportJob(BaseModel):
    """One import run: an uploaded file (validated as a whole, then written in batches by a background task), an
    API push, a connector's sync or a batch of webhook events. Each is audited with its counts and quality report."""

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    source = models.CharField(_("source"), max_length=10, choices=ImportSource.choices, default=ImportSource.FILE)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    name = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    external_system = models.CharField(_("external system"), max_length=40, default="import",
                                       help_text=_("Used for rows without an external system column."))
    time_zone = models.CharField(_("time zone"), max_length=60, blank=True,
                                 help_text=_("For times without an offset; default: the contract calendar's."))
    # How the source was read: an approved profile version, else a built-in profile (its key), else ServPlan's columns.
    profile = models.ForeignKey("servicedata.ImportProfile", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("import profile"))
    builtin_profile = models.CharField(_("built-in profile"), max_length=40, blank=True)
    connector = models.ForeignKey("servicedata.Connector", models.PROTECT, null=True, blank=True,
                                  related_name="runs", verbose_name=_("connector"))
    webhook = models.ForeignKey("servicedata.WebhookEndpoint", models.PROTECT, null=True, blank=True,
                                related_name="imports", verbose_name=_("webhook endpoint"))
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    excluded_count = models.PositiveIntegerField(_("excluded"), default=0)
    repaired_count = models.PositiveIntegerField(_("repaired"), default=0)
    # {anomaly: {action: count}}: the quality report in short; its rows are the job's QualityFindings.
    quality = models.JSONField(_("data quality"), default=dict, blank=True)
    errors = models.JSONField(_("error report"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("imported by"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0,
                                                help_text=_("Runs started: more than one when a worker stopped."))

    scope_paths = {"contract": "contract"}

    class Meta:
        ordering = ["-created"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def finished(self):
        return self.status in ImportStatus.finished()

    @cached_property
    def worker_state(self):
        """Where the job's task stands with the background workers (core.choices.TaskState); "" once finished."""
        return "" if self.finished else workers.task_state(self.task_id)

    def get_worker_state_display(self):
        return TaskState(self.worker_state).label if self.worker_state else ""

    @property
    def worker_notice(self):
        """What the user is told while the job waits on a worker that stopped, or on none at all."""
        if self.worker_state == TaskState.LOST:
            return _("The background worker running this import stopped. The import is run again from the start "
                     "automatically; nothing is written twice.")
        if self.worker_state == TaskState.RETRYING:
            return _("The background worker running this import stopped. The import waits to run again from the "
                     "start.")
        if self.worker_state == TaskState.NO_WORKER:
            return _("No background worker is running: the import starts when one does.")
        return ""

    def get_absolute_url(self):
        return reverse("servicedata:importjob_detail", args=[self.pk])

    def get_builtin_profile_display(self):
        """The built-in profile's name (as its file names it), not its key."""
        from ..intake import builtin

        try:
            return builtin.get(self.builtin_profile).name if self.builtin_profile else ""
        except KeyError:
            return self.builtin_profile


class QualityFinding(models.Model):
    """A row a data-quality rule acted on in one import: excluded, repaired or kept with a warning.

    `current` is True while this import is the latest that read the ticket's key: a later import of the same
    ticket (corrected at the source, or read again) clears it, so the monthly report summarises what the figures
    were computed from, not every past import.
    """

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="findings", verbose_name=_("import job"))
    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", db_index=False,
                                 verbose_name=_("contract"))
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    external_system = models.CharField(_("external system"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=64)
    anomaly = models.CharField(_("rule"), max_length=30, choices=Anomaly.choices)
    action = models.CharField(_("what was done"), max_length=10, choices=RuleAction.choices)
    field = models.CharField(_("field"), max_length=40, blank=True, choices=ProfileField.choices)
    original = models.JSONField(_("original values"), default=dict, blank=True)
    # What the repair did, a core.display.message (read in the reader's language); empty for an exclusion.
    outcome = models.TextField(_("outcome"), blank=True)
    ticket_created = models.DateTimeField(_("ticket created"), null=True, blank=True)
    current = models.BooleanField(_("current"), default=True)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = {"contract": "contract"}

    class Meta:
        ordering = ["job", "row", "pk"]
        verbose_name = _("quality finding")
        verbose_name_plural = _("quality findings")
        indexes = [
            models.Index(fields=["contract", "ticket_created"], name="sd_finding_contract_month",
                         condition=models.Q(current=True)),
            models.Index(fields=["external_system", "external_id"], name="sd_finding_key"),
        ]

    def __str__(self):
        return f"{self.external_system}:{self.external_id} {self.get_anomaly_display()}"
