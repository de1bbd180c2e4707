"""What the process-compliance checks found (core.compliance rules, run by assurance.checks)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.compliance import Severity
from core.models import BaseModel

from ..choices import FindingStatus, RunState, RunTrigger


class ComplianceRun(BaseModel):
    """One run of every rule over the whole database, on demand or on the schedule."""

    trigger = models.CharField(_("trigger"), max_length=20, choices=RunTrigger.choices)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    state = models.CharField(_("state"), max_length=20, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rules_run = models.PositiveIntegerField(_("rules run"), default=0)
    found = models.PositiveIntegerField(_("violations found"), default=0)
    new = models.PositiveIntegerField(_("new findings"), default=0)
    resolved = models.PositiveIntegerField(_("no longer found"), default=0)
    message = models.TextField(_("message"), blank=True)  # a core.display.message when it failed
    job = models.ForeignKey("core.BackgroundJob", models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("background job"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("compliance check run")
        verbose_name_plural = _("compliance check runs")

    def __str__(self):
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("assurance:run_detail", args=[self.pk])


class Finding(BaseModel):
    """A rule's violation on one record, kept across runs: open until it is no longer found, accepted with a
    justification, or turned into an improvement."""

    rule_id = models.CharField(_("rule"), max_length=20, db_index=True)
    clause = models.CharField(_("clause"), max_length=20)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey()
    key = models.CharField(_("key"), max_length=100, blank=True)
    object_label = models.CharField(_("record"), max_length=300)
    object_url = models.CharField(max_length=300, blank=True)
    message = models.TextField(_("what was found"))  # a core.display.message, read in the reader's language
    occurred = models.DateTimeField(_("occurred"), null=True, blank=True)
    project = models.ForeignKey("projects.Project", models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("project"))
    contract = models.ForeignKey("contracts.Contract", models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("contract"))
    customer = models.ForeignKey(settings.SERVPLAN_CUSTOMER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))
    status = models.CharField(_("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN,
                              db_index=True)
    first_found = models.DateTimeField(_("first found"))
    last_found = models.DateTimeField(_("last found"))
    last_run = models.ForeignKey(ComplianceRun, models.SET_NULL, null=True, blank=True, related_name="findings",
                                 verbose_name=_("last run"))
    resolved_at = models.DateTimeField(_("no longer found since"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    improvement = models.ForeignKey("improvement.Improvement", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("improvement"))

    scope_paths = {"project": "project", "contract": "contract", "customer": "customer"}

    class Meta:
        ordering = ["status", "rule_id", "-last_found", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "content_type", "object_id", "key"],
                                    name="assurance_finding_once_per_rule_record_key",
                                    violation_error_message=_("This rule already has a finding on this record.")),
        ]
        verbose_name = _("compliance finding")
        verbose_name_plural = _("compliance findings")

    def __str__(self):
        return f"{self.rule_id} · {self.object_label}"

    def get_absolute_url(self):
        return reverse("assurance:finding_detail", args=[self.pk])

    @staticmethod
    def restrict_rows(queryset, user, action):
        """An external auditor sees the findings on records of its audit sample (core.scopes narrows to it), not the
        company's own ones that belong to no project, contract or customer."""
        from ..engagements import is_external_auditor

        if not is_external_auditor(user):
            return queryset
        return queryset.filter(models.Q(project__isnull=False) | models.Q(contract__isnull=False)
                               | models.Q(customer__isnull=False))
