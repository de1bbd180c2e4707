"""The SLA rollup: per contract, month, priority and service, the counts the figures read (servicedata.sla.rollup).

A row is derived data, rewritten by `servicedata.sla.rollup.refresh` from the tickets table whenever tickets or
their clocks are written; nothing else writes it. Months are local months of the contract calendar's time zone
(`zone`, kept on the row so a reader can tell rows bucketed in another zone).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority


class SlaMonth(models.Model):
    contract = models.ForeignKey("contracts.Contract", models.CASCADE, related_name="+", db_index=False,
                                 verbose_name=_("contract"))
    service = models.ForeignKey("catalog.Service", models.CASCADE, null=True, blank=True, related_name="+",
                                db_index=False, verbose_name=_("service"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    zone = models.CharField(_("time zone"), max_length=64)
    # Tickets created in the month (volume).
    created = models.PositiveIntegerField(_("tickets created"), default=0)
    # Tickets whose response (resolution) outcome was decided in the month, and of those the ones within target.
    response_counted = models.PositiveIntegerField(_("responses counted"), default=0)
    response_within = models.PositiveIntegerField(_("responses within target"), default=0)
    resolution_counted = models.PositiveIntegerField(_("resolutions counted"), default=0)
    resolution_within = models.PositiveIntegerField(_("resolutions within target"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("SLA month")
        verbose_name_plural = _("SLA months")
        # One row per key. The service is nullable, and NULLs never collide in a unique index (SQLite and
        # PostgreSQL alike), so the tickets without a service get their own partial constraint.
        constraints = [
            models.UniqueConstraint(fields=["contract", "year", "month", "priority", "service"],
                                    condition=Q(service__isnull=False), name="sd_slamonth_key_service"),
            models.UniqueConstraint(fields=["contract", "year", "month", "priority"],
                                    condition=Q(service__isnull=True), name="sd_slamonth_key_no_service"),
        ]
        indexes = [models.Index(fields=["contract", "year", "month"], name="sd_slamonth_contract_month")]

    def __str__(self):
        return f"{self.contract_id} {self.year}-{self.month:02d} {self.priority} {self.service_id or '-'}"


class SlaInputsVersion(models.Model):
    """A counter bumped whenever something a month's figures rest on, other than tickets, changes: outages,
    maintenance windows, contracts and their SLAs, tiers, targets, calendars (signals in `servicedata.sla.rollup`).

    Closed months' figures are cached under it (the django cache), so an edit in any process invalidates them in
    every process, whatever the cache backend; kept in the database, not the cache, for that reason."""

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("SLA inputs version")
        verbose_name_plural = _("SLA inputs versions")

    def __str__(self):
        return str(self.version)
