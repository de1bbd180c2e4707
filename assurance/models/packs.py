"""An evidence pack: one reproducible archive of the evidence for a chosen scope and period (assurance.packs)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from ..choices import PackState


class EvidencePack(BaseModel):
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    contracts = models.ManyToManyField("contracts.Contract", blank=True, related_name="+",
                                       verbose_name=_("contracts"))
    projects = models.ManyToManyField("projects.Project", blank=True, related_name="+", verbose_name=_("projects"))
    engagement = models.ForeignKey("assurance.AuditEngagement", models.PROTECT, null=True, blank=True,
                                   related_name="packs", verbose_name=_("external audit"))
    state = models.CharField(_("state"), max_length=20, choices=PackState.choices, default=PackState.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    job = models.ForeignKey("core.BackgroundJob", models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("background job"))
    file = models.FileField(_("archive"), upload_to="evidence-packs/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    files = models.PositiveIntegerField(_("files"), null=True, blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)  # a core.display.message when it failed

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="assurance_pack_period_in_order",
                                   violation_error_message=_("The period must end on or after its start.")),
        ]
        verbose_name = _("evidence pack")
        verbose_name_plural = _("evidence packs")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assurance:pack_detail", args=[self.pk])

    @staticmethod
    def restrict_rows(queryset, user, action):
        """An external auditor sees only the packs of its external audits open now (assurance.engagements)."""
        from ..engagements import engagements_of, is_external_auditor

        return queryset.filter(engagement__in=engagements_of(user)) if is_external_auditor(user) else queryset
