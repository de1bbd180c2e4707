"""Where tickets come from besides files: pull connectors (scheduled incremental sync from a service desk's REST
API) and webhook endpoints (a live feed of ticket events, signed with a shared secret). Credentials and secrets are
stored encrypted (`core.crypto`) and never shown again once saved."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.querysets import RestrictedQuerySet

from ..choices import ConnectorKind, ConnectorState


class Connector(BaseModel):
    """A scheduled incremental sync (updated-since) of one contract's tickets from a service desk's API."""

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("service desk"), max_length=20, choices=ConnectorKind.choices)
    base_url = models.URLField(_("base URL"), max_length=300, help_text=_("e.g. https://acme.service-now.com"))
    query = models.CharField(_("filter"), max_length=500, blank=True,
                             help_text=_("Narrows what is read, in the tool's own terms (a ServiceNow encoded query, a "
                                         "JQL clause, a GLPI entity, a Zammad search)."))
    profile = models.ForeignKey("servicedata.ImportProfile", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("import profile"),
                                help_text=_("Empty: the built-in profile of this service desk's API."))
    credentials = models.TextField(_("credentials"), blank=True, editable=False)  # encrypted JSON (core.crypto)
    enabled = models.BooleanField(_("enabled"), default=True)
    interval_minutes = models.PositiveIntegerField(_("every (minutes)"), default=15)
    cursor = models.DateTimeField(_("synced up to"), null=True, blank=True,
                                  help_text=_("Tickets updated after this instant are read by the next sync."))
    state = models.CharField(_("state"), max_length=10, choices=ConnectorState.choices, default=ConnectorState.NEW)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    next_run_at = models.DateTimeField(_("next sync"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    run_as = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("imports as"), help_text=_("Whose name the syncs are audited under."))

    scope_paths = {"contract": "contract"}
    audit_derived_fields = ("credentials",)  # a secret: never in an audit snapshot (its replacement is noted)

    class Meta:
        ordering = ["contract", "name"]
        verbose_name = _("connector")
        verbose_name_plural = _("connectors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("servicedata:connector_detail", args=[self.pk])


class WebhookEndpoint(BaseModel):
    """A contract's live feed: `POST /servicedata/webhook/<token>/` with an HMAC-SHA256 signature of the body."""

    contract = models.ForeignKey("contracts.Contract", models.PROTECT, related_name="+", verbose_name=_("contract"))
    name = models.CharField(_("name"), max_length=100)
    token = models.CharField(_("address token"), max_length=40, unique=True, editable=False)
    secret = models.TextField(_("shared secret"), blank=True, editable=False)  # encrypted (core.crypto)
    profile = models.ForeignKey("servicedata.ImportProfile", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("import profile"))
    builtin_profile = models.CharField(_("built-in profile"), max_length=40, blank=True)
    external_system = models.CharField(_("external system"), max_length=40, default="webhook")
    enabled = models.BooleanField(_("enabled"), default=True)
    run_as = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("imports as"))
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)

    scope_paths = {"contract": "contract"}
    audit_derived_fields = ("secret",)  # never in the audit trail, not even encrypted (a rotation is audited apart)

    class Meta:
        ordering = ["contract", "name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("servicedata:webhookendpoint_detail", args=[self.pk])


class TicketEvent(models.Model):
    """One ticket event received on a webhook endpoint, kept as received: a ticket is rebuilt from its events
    (its status history gives first response and pauses) and imported like any other record."""

    endpoint = models.ForeignKey(WebhookEndpoint, models.PROTECT, related_name="events", verbose_name=_("endpoint"))
    external_id = models.CharField(_("external id"), max_length=64)
    occurred_at = models.DateTimeField(_("occurred"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    payload = models.JSONField(_("payload"))
    sha256 = models.CharField(max_length=64)
    job = models.ForeignKey("servicedata.ImportJob", models.SET_NULL, null=True, blank=True,
                            related_name="+", verbose_name=_("imported by"))

    objects = RestrictedQuerySet.as_manager()
    scope_paths = {"contract": "endpoint__contract"}

    class Meta:
        ordering = ["endpoint", "external_id", "occurred_at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["endpoint", "external_id", "occurred_at"], name="sd_event_ticket")]
        constraints = [models.UniqueConstraint(fields=["endpoint", "sha256"], name="servicedata_event_once",
                                               violation_error_message=_("This event was received already."))]

    def __str__(self):
        return f"{self.external_id} {self.occurred_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("servicedata:ticketevent_detail", args=[self.pk])
