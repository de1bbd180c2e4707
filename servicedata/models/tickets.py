"""Service data: tickets with their SLA clocks, pauses, outages, maintenance windows, import jobs.

Tickets are not controlled records: they arrive in bulk from the customer's
service desk (import or API push), keyed by (external system, external id).
Their SLA clocks are computed by `servicedata.sla` with the business-time
engine and stored on the row together with the calendar version and the SLA
(tier) version they were measured with, so a report can be reproduced.
"""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.choices import Priority
from core.models import BaseModel
from core.querysets import RestrictedQuerySet

from ..choices import TicketKind, TicketStatus


class TicketQuerySet(RestrictedQuerySet):
    def breached(self, at):
        """Tickets whose response or resolution outcome is a breach known by `at` (open past target included)."""
        return self.filter(Q(response_met=False, response_decided__lte=at)
                           | Q(resolution_met=False, resolution_decided__lte=at))

    def within_target(self, at):
        return self.exclude(pk__in=self.breached(at).values("pk"))


class Ticket(models.Model):
    # No single-column indexes on the foreign keys: every read goes through the composite indexes below, and
    # each extra index costs about 10 % of the import's write speed (referenced rows are PROTECTed and
    # deleted rarely, so their protection check may scan).
    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="tickets", db_index=False,
                                 verbose_name=_("contract"))
    customer = models.ForeignKey("customers.Customer", models.PROTECT, related_name="+", db_index=False,
                                 verbose_name=_("customer"))
    service = models.ForeignKey("catalog.Service", models.PROTECT, null=True, blank=True, related_name="+",
                                db_index=False, verbose_name=_("service"))
    external_system = models.CharField(_("external system"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=TicketKind.choices, default=TicketKind.INCIDENT)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    category = models.CharField(_("category"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    configuration_item = models.CharField(_("configuration item"), max_length=200, blank=True)
    # Touches information security (SP-4.5.5): set by the security app (keyword rules, the import's security column,
    # by hand), never by the bulk import itself, so a re-import never clears it. db_default: the bulk INSERT omits it.
    security = models.BooleanField(_("touches information security"), default=False, db_default=False,
                                   editable=False)
    created = models.DateTimeField(_("created"))
    first_response = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    # Digest of the imported content: a re-import of an unchanged row is recognised without reading it back.
    source_hash = models.CharField(max_length=32, editable=False)

    # ---- computed by servicedata.sla (never typed in) ----
    response_seconds = models.BigIntegerField(_("business response time (s)"), null=True, blank=True,
                                              editable=False)
    resolution_seconds = models.BigIntegerField(_("business resolution time (s)"), null=True, blank=True,
                                                editable=False, help_text=_("Pauses (waiting on customer) excluded."))
    response_breached = models.BooleanField(_("response breached"), default=False, editable=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False, editable=False)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True, editable=False)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True, editable=False)
    # Whether the ticket was (or will be, when it is finally decided) within target: responded by the target.
    response_met = models.BooleanField(null=True, editable=False)
    resolution_met = models.BooleanField(null=True, editable=False)
    # The instant the outcome became certain: the response if within target, else the due instant
    # (an open ticket past its target is a breach from then on). The period a ticket is counted in.
    response_decided = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_decided = models.DateTimeField(null=True, blank=True, editable=False)
    calendar_version = models.ForeignKey("catalog.CalendarVersion", models.PROTECT, null=True, blank=True,
                                         related_name="+", editable=False, db_index=False,
                                         verbose_name=_("calendar version"))
    sla_version = models.ForeignKey("catalog.ServiceTier", models.PROTECT, null=True, blank=True, related_name="+",
                                    editable=False, db_index=False, verbose_name=_("SLA version"))
    computed_at = models.DateTimeField(_("SLA computed at"), null=True, blank=True, editable=False)

    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()
    scope_paths = {"contract": "contract", "customer": "customer"}

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(fields=["external_system", "external_id"], name="servicedata_ticket_external_key",
                                    violation_error_message=_("A ticket with this external system and id exists.")),
            models.CheckConstraint(condition=Q(first_response__isnull=True) | Q(first_response__gte=F("created")),
                                   name="servicedata_ticket_response_after_created",
                                   violation_error_message=_("The first response cannot precede creation.")),
            models.CheckConstraint(condition=Q(resolved__isnull=True) | Q(resolved__gte=F("created")),
                                   name="servicedata_ticket_resolved_after_created",
                                   violation_error_message=_("A ticket cannot be resolved before it was created.")),
        ]
        indexes = [
            models.Index(fields=["contract", "created"], name="sd_ticket_contract_created"),
            # The global list and the API read newest first by (created, id): scanned backwards, with a keyset cursor.
            models.Index(fields=["created", "id"], name="sd_ticket_created_id"),
            # Period figures read the tickets decided in a month: partial indexes, so a fresh import (not yet
            # decided) does not pay for them, and the pending index holds only tickets awaiting their clocks.
            models.Index(fields=["contract", "response_decided"], name="sd_ticket_contract_resp_dec",
                         condition=Q(response_decided__isnull=False)),
            models.Index(fields=["contract", "resolution_decided"], name="sd_ticket_contract_resol_dec",
                         condition=Q(resolution_decided__isnull=False)),
            models.Index(fields=["contract", "id"], name="sd_ticket_pending",
                         condition=Q(computed_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.external_system}:{self.external_id}"

    def get_absolute_url(self):
        return reverse("servicedata:ticket_detail", args=[self.pk])


class TicketPause(models.Model):
    """The ticket waits on the customer: the resolution clock stops (the response clock does not)."""

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="pauses", verbose_name=_("ticket"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True, help_text=_("Empty while still waiting."))

    objects = RestrictedQuerySet.as_manager()
    scope_paths = {"contract": "ticket__contract"}

    class Meta:
        ordering = ["ticket_id", "start"]  # the column, not the ticket's own order (a join per prefetch)
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                   name="servicedata_pause_end_after_start",
                                   violation_error_message=_("A pause cannot end before it starts.")),
        ]

    def __str__(self):
        return f"{self.ticket} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}" if self.end else f"{self.ticket}"


class Interval(BaseModel):
    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True,
                                        help_text=_("When the customer was told; empty if never announced."))
    description = models.CharField(_("description"), max_length=300, blank=True)

    scope_paths = {"contract": "contract"}

    class Meta:
        abstract = True
        ordering = ["-start"]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})


class Outage(Interval):
    """Service unavailable. Planned and announced in advance inside a maintenance window: not downtime."""

    service = models.ForeignKey("catalog.Service", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("service"))
    planned = models.BooleanField(_("planned"), default=False)

    class Meta(Interval.Meta):
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        indexes = [models.Index(fields=["contract", "start"], name="sd_outage_contract_start")]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="servicedata_outage_end_after_start",
                                              violation_error_message=_("The end must be after the start."))]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M} {self.description}".strip()


class MaintenanceWindow(Interval):
    class Meta(Interval.Meta):
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")
        indexes = [models.Index(fields=["contract", "start"], name="sd_window_contract_start")]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")),
                                              name="servicedata_window_end_after_start",
                                              violation_error_message=_("The end must be after the start."))]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} {self.description}".strip()
