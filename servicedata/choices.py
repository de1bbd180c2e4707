from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "service_request", _("Service request")
    CHANGE = "change", _("Change")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", _("JSON (array or JSON Lines)")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    WRITING = "writing", _("Writing")
    COMPUTING = "computing", _("Computing SLA clocks")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected (errors in file)")
    FAILED = "failed", _("Failed")

    @classmethod
    def finished(cls):
        return (cls.DONE, cls.REJECTED, cls.FAILED)


class ImportSource(models.TextChoices):
    FILE = "file", _("File upload")
    API = "api", _("API push")
    SYNC = "sync", _("Connector sync")
    WEBHOOK = "webhook", _("Live feed (webhook)")


class SourceTool(models.TextChoices):
    """The service desk a profile or connector reads (the built-in profiles name theirs)."""

    SERVPLAN = "servplan", _("ServPlan columns")
    SERVICENOW = "servicenow", "ServiceNow"
    JIRA = "jira", "Jira Service Management"
    ZENDESK = "zendesk", "Zendesk"
    GLPI = "glpi", "GLPI"
    ITOP = "itop", "iTop"
    ZAMMAD = "zammad", "Zammad"
    ZENTAO = "zentao", _("ZenTao 禅道")
    OTHER = "other", _("Other")


class FileEncoding(models.TextChoices):
    AUTO = "auto", _("Recognised from the file (UTF-8 or GB18030)")
    UTF8 = "utf-8", "UTF-8"
    GB18030 = "gb18030", _("GB18030 (GBK, Excel in Chinese)")


class ProfileField(models.TextChoices):
    """What a source column can be read as (servicedata.intake.spec)."""

    EXTERNAL_ID = "external_id", _("External id")
    EXTERNAL_SYSTEM = "external_system", _("External system")
    KIND = "kind", _("Kind")
    PRIORITY = "priority", _("Priority")
    STATUS = "status", _("Status")
    CATEGORY = "category", _("Category")
    SUMMARY = "summary", _("Summary")
    CONFIGURATION_ITEM = "configuration_item", _("Configuration item")
    SERVICE = "service", _("Service")
    SECURITY = "security", _("Touches information security")
    CREATED = "created", _("Created")
    FIRST_RESPONSE = "first_response", _("First response")
    FIRST_RESPONSE_MINUTES = "first_response_minutes", _("Minutes to first response (after creation)")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    PAUSES = "pauses", _("Pauses (start/end; …)")
    PAUSE_START = "pause_start", _("Pause start")
    PAUSE_END = "pause_end", _("Pause end")
    UPDATED = "updated", _("Last updated")


class Anomaly(models.TextChoices):
    """Kinds of suspicious rows a profile's data-quality rules decide about (servicedata.intake.quality)."""

    CLOSE_BEFORE_RESOLVE = "close_before_resolve", _("Closed before resolved")
    RESOLVE_BEFORE_RESPONSE = "resolve_before_response", _("Resolved before the first response")
    RESPONSE_BEFORE_CREATION = "response_before_creation", _("First response before creation")
    RESOLVE_BEFORE_CREATION = "resolve_before_creation", _("Resolved before creation")
    UNKNOWN_VALUE = "unknown_value", _("Unknown value")
    DUPLICATE_ID = "duplicate_id", _("Duplicate id")
    FUTURE_TIME = "future_time", _("Time in the future")
    PAUSE_OUTSIDE = "pause_outside", _("Pause outside the ticket's life")
    EXCLUDED_VALUE = "excluded_value", _("Value the profile excludes")


class RuleAction(models.TextChoices):
    REJECT = "reject", _("Reject the file")
    EXCLUDE = "exclude", _("Exclude the row")
    REPAIR = "repair", _("Repair the row")
    KEEP = "keep", _("Keep as given (warning)")


class ConnectorKind(models.TextChoices):
    SERVICENOW = "servicenow", _("ServiceNow (Table API)")
    JIRA = "jira", _("Jira Service Management (REST)")
    GLPI = "glpi", _("GLPI (REST)")
    ZAMMAD = "zammad", _("Zammad (REST)")


class ConnectorState(models.TextChoices):
    NEW = "new", _("Not run yet")
    OK = "ok", _("Working")
    RETRYING = "retrying", _("Failing, retrying")
    FAILED = "failed", _("Failed, stopped")
    PAUSED = "paused", _("Paused")
