"""The small base stack every ServPlan model stands on.

`BaseModel` gives timestamps and the restricted manager; `ControlledRecord`
adds what SPEC section 5 asks of every output document: a number (文件编号),
a version, a status driven by the record type's workflow, the drafting
department, the author and links. Approved versions are never edited in
place: `core.records.new_version` copies them.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, Confidentiality, JobKind, JobState, RecordStatus
from .querysets import RestrictedQuerySet


class BaseModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}_detail", args=[self.pk])


class ControlledRecord(BaseModel):
    number = models.CharField(_("number"), max_length=40, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, default=RecordStatus.DRAFT, editable=False,
                              db_index=True)
    owner_department = models.ForeignKey(settings.SERVPLAN_DEPARTMENT_MODEL, models.PROTECT, related_name="+",
                                         verbose_name=_("drafting department"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", editable=False,
                               verbose_name=_("author"))
    customer = models.ForeignKey(settings.SERVPLAN_CUSTOMER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))
    confidentiality = models.CharField(_("confidentiality"), max_length=20, choices=Confidentiality.choices,
                                       default=Confidentiality.INTERNAL)
    retention_years = models.PositiveSmallIntegerField(_("retention (years)"), default=5)
    change_note = models.TextField(_("change note"), blank=True,
                                   help_text=_("What changed in this version and why."))
    predecessor = models.OneToOneField("self", models.PROTECT, null=True, blank=True, editable=False,
                                       related_name="successor", verbose_name=_("previous version"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    # Optimistic locking: every write bumps it; a form posted with an old value is refused.
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    # Incremented on each submission so approval votes of an earlier round never count again.
    review_round = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created"]

    def __str__(self):
        return f"{self.number} v{self.version} {self.title}"

    @classmethod
    def record_type(cls):
        from .registry import registry

        return registry.for_model(cls)

    def get_status_display(self):
        states = type(self).record_type().workflow.states
        try:
            return states(self.status).label
        except ValueError:
            return self.status

    @property
    def is_latest(self):
        return not hasattr(self, "successor") or self.successor is None

    def versions(self):
        return type(self).objects.filter(number=self.number).order_by("-version")

    @property
    def is_editable(self):
        return self.status in type(self).record_type().workflow.editable_states

    def scope_object(self, name):
        """The record's project, contract or customer, read along the path its record type declares."""
        path = type(self).record_type().scope.get(name)
        if path is None:
            return None
        value = self
        for step in filter(None, path.split("__")):
            value = getattr(value, step, None)
        return value

    # A new version starts from these fields' defaults (e.g. "issued_at"), not from the approved version.
    new_version_resets = ()

    def version_source(self):
        """The version whose rows a new version copies: this one, unless a record type knows better."""
        return self

    def on_new_version(self, draft, user):
        """Effects on other records when a new version is started (rows are copied by core.rows)."""


class ChildRow(BaseModel):
    """A row of one version of a controlled record: its lines, targets, tasks, findings.

    The row names the foreign key to what it belongs to in `parent_field` (the record, or a row above it
    for rows of rows). From that one declaration core knows the record's rows: `core.rows` copies them
    into a new version and replaces them from a list; `core.records` refuses to create, change or delete
    them once the record is frozen (approved, issued...), unless the row says it stays open
    (`frozen_with_record = False`, e.g. review findings closed after the review).
    """

    parent_field = ""
    # The fields that identify a row among its siblings when rows are replaced from a list (default: id).
    row_key = ()
    frozen_with_record = True

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return self.owner_record().get_absolute_url()

    def owner_record(self):
        """The controlled record the row belongs to (through the rows above it, for rows of rows)."""
        parent = getattr(self, self.parent_field)
        return parent.owner_record() if isinstance(parent, ChildRow) else parent

    def clean(self):
        super().clean()
        from .rows import ensure_editable

        if self.frozen_with_record and getattr(self, f"{self.parent_field}_id", None) is not None:
            ensure_editable(self.owner_record())


class NumberingScheme(BaseModel):
    """Per record type numbering (文件编号), e.g. SP-PLAN-2026-0007."""

    record_type = models.CharField(_("record type"), max_length=40, unique=True)
    prefix = models.CharField(_("prefix"), max_length=20)
    pattern = models.CharField(_("pattern"), max_length=60, default="{prefix}-{year}-{seq:04d}",
                               help_text=_("Placeholders: {prefix}, {year}, {seq}."))

    class Meta:
        ordering = ["record_type"]
        verbose_name = _("numbering scheme")
        verbose_name_plural = _("numbering schemes")

    def __str__(self):
        return f"{self.record_type}: {self.pattern}"

    def format(self, year, seq):
        return self.pattern.format(prefix=self.prefix, year=year, seq=seq)

    def example(self):
        return self.format(2026, 7)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .registry import registry

        if registry.get(self.record_type) is None:
            raise ValidationError({"record_type": _("Unknown record type.")})
        try:
            self.example()
        except (KeyError, IndexError, ValueError):
            raise ValidationError({"pattern": _("Use only the placeholders {prefix}, {year} and {seq}, "
                                                "e.g. {prefix}-{year}-{seq:04d}.")}) from None


class NumberSequence(models.Model):
    record_type = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_type", "year"], name="core_sequence_unique")]


class Attachment(BaseModel):
    content_type = models.ForeignKey(ContentType, models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content_kind = models.CharField(_("type"), max_length=20)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Approval(models.Model):
    """One approver's vote in one review round of a record."""

    content_type = models.ForeignKey(ContentType, models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    transition = models.CharField(max_length=40)
    review_round = models.PositiveIntegerField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # Whose vote this counts as: the voter, or the delegator they stand in for.
    counted_as = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "transition", "review_round", "counted_as"],
                                    name="core_one_vote_per_approver_per_round"),
        ]


class TransitionLog(models.Model):
    """Who moved which record from which state to which, when and why."""

    content_type = models.ForeignKey(ContentType, models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=20)
    target = models.CharField(_("to"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                             verbose_name=_("by"))
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("on behalf of"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]


class RecordIndex(models.Model):
    """One row per record version of every type: what the Record Register lists.

    Kept by core.records on every write so the register is one indexed table,
    not a union over every record table.
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("model"))
    object_id = models.PositiveBigIntegerField()
    record_type = models.CharField(_("record type"), max_length=40, db_index=True)
    number = models.CharField(_("number"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=RecordStatus.choices, db_index=True)
    department = models.ForeignKey(settings.SERVPLAN_DEPARTMENT_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("drafting department"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author"))
    customer = models.ForeignKey(settings.SERVPLAN_CUSTOMER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))
    project_label = models.CharField(_("project"), max_length=200, blank=True, db_index=True)
    contract_label = models.CharField(_("contract"), max_length=200, blank=True)
    # The ids behind the labels (core holds no foreign key to the apps), so the register is scoped like the records.
    project_ref = models.PositiveIntegerField(null=True, blank=True, editable=False)
    contract_ref = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_latest = models.BooleanField(_("latest version"), default=True, db_index=True)
    created = models.DateTimeField(_("created"), db_index=True)
    updated = models.DateTimeField(_("updated"))
    url = models.CharField(max_length=200)

    objects = RestrictedQuerySet.as_manager()
    scope_paths = {"project": "project_ref", "contract": "contract_ref", "customer": "customer"}

    class Meta:
        ordering = ["-updated", "-pk"]
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="core_index_unique")]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Records whose type shows them only to some readers are listed only to those (core.visibility)."""
        from .visibility import narrow_register

        return narrow_register(queryset, user)

    def get_status_display(self):
        """The state's label in the current language, from the record type's workflow."""
        from .registry import registry

        record_type = registry.get(self.record_type)
        states = record_type.workflow.states if record_type and record_type.workflow else RecordStatus
        try:
            return states(self.status).label
        except ValueError:
            return self.status


class AuditEntry(models.Model):
    """Append-only, hash-chained audit trail (DESIGN house rule 8)."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("user"))
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, verbose_name=_("model"))
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["content_type", "object_id", "seq"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    @staticmethod
    def restrict_rows(queryset, user, action):
        """Entries about a record only some may see (and its rows) are shown only to them (core.visibility)."""
        from .visibility import narrow_audit

        return narrow_audit(queryset, user)


class AuditChainHead(models.Model):
    """The single row holding the chain's tip; locking it serialises appends."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class TaskWorker(models.Model):
    """A background worker process (`manage.py db_worker`): alive while its heartbeat is fresh (core.workers)."""

    worker_id = models.CharField(primary_key=True, max_length=64)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.host}:{self.pid} ({self.worker_id})"


class TaskOrigin(models.Model):
    """The request that enqueued a task, kept from its enqueueing until it finishes, so that the worker's log lines
    for it carry that request's id (core.ops.taskcontext). In the database, not the cache: every worker of every
    backend reaches it, where the embedded default's cache is one process's memory."""

    task_id = models.CharField(primary_key=True, max_length=64)
    request_id = models.CharField(max_length=64)
    enqueued_at = models.DateTimeField()

    def __str__(self):
        return f"{self.task_id} <- {self.request_id}"


class BackgroundJob(models.Model):
    """Heavy work a person started from a page or the API (a large export, a recompute), run by a worker
    (core.jobs): its progress, its message and result file (on the default storage) until it expires."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="background_jobs",
                              verbose_name=_("started by"))
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    done = models.BigIntegerField(_("done"), default=0)
    total = models.BigIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)  # a core.display.message, read in the reader's language
    params = models.JSONField(default=dict, blank=True)  # what the task needs again (the list's address, filter)
    link = models.CharField(max_length=500, blank=True)  # the page the result belongs to (a dashboard)
    result = models.FileField(_("result"), upload_to="jobs/%Y/%m/", max_length=300, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result_size = models.BigIntegerField(null=True, blank=True)
    created = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)  # the request that started it (core.context)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-created", "-pk")
        indexes = [models.Index(fields=("owner", "-created"), name="core_job_owner_created"),
                   models.Index(fields=("expires_at",), name="core_job_expires")]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:job_detail", args=[self.pk])

    @property
    def finished(self):
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self):
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return max(0, min(99, int(100 * self.done / self.total)))

    @property
    def expired(self):
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()


class PeriodicFiring(models.Model):
    """One firing of a periodic job (core.schedule) at its scheduled instant, claimed by the one scheduler that
    enqueues it: with several schedulers running (one per host), the unique (job, instant) lets only the first in."""

    job = models.CharField(max_length=200)
    scheduled_for = models.DateTimeField()
    claimed_by = models.CharField(max_length=200)
    claimed_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "scheduled_for"], name="core_periodic_firing_once",
                                               violation_error_message="This firing is claimed already.")]

    def __str__(self):
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M} ({self.claimed_by})"


__all__ = ["AuditAction", "Confidentiality", "RecordStatus"]
