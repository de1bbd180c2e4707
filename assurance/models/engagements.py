"""An external audit: the certification body's auditors, the sample of contracts they audit, the audited period
and the window in which their accounts may sign in (assurance.engagements)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class AuditEngagement(BaseModel):
    title = models.CharField(_("title"), max_length=200)
    audit_body = models.CharField(_("certification body"), max_length=200)
    period_start = models.DateField(_("audited period from"))
    period_end = models.DateField(_("audited period to"))
    access_from = models.DateTimeField(_("access from"))
    access_until = models.DateTimeField(_("access until"))
    contracts = models.ManyToManyField("contracts.Contract", related_name="+", verbose_name=_("audit sample"))
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="audit_engagements",
                                      verbose_name=_("external auditors"))
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("coordinator"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-access_from", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="assurance_engagement_period_in_order",
                                   violation_error_message=_("The audited period must end on or after its start.")),
            models.CheckConstraint(condition=models.Q(access_until__gt=models.F("access_from")),
                                   name="assurance_engagement_access_in_order",
                                   violation_error_message=_("Access must end after it starts.")),
        ]
        verbose_name = _("external audit")
        verbose_name_plural = _("external audits")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assurance:auditengagement_detail", args=[self.pk])

    def is_open(self, at=None) -> bool:
        from django.utils import timezone

        at = at or timezone.now()
        return self.access_from <= at < self.access_until

    @staticmethod
    def restrict_rows(queryset, user, action):
        """An external auditor sees the external audits it is invited to; the others, as the matrix says."""
        from ..engagements import is_external_auditor

        return queryset.filter(auditors=user) if is_external_auditor(user) else queryset
