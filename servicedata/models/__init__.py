"""Service data: tickets with their SLA clocks (tickets.py), import runs and their quality findings (imports.py),
import profiles (profiles.py), connectors and webhook feeds (sources.py),
the SLA rollup the figures read (rollup.py)."""

from .imports import ImportJob, QualityFinding
from .profiles import ImportProfile, ProfileColumn, ProfileRule, ProfileValue
from .rollup import SlaInputsVersion, SlaMonth
from .sources import Connector, TicketEvent, WebhookEndpoint
from .tickets import Interval, MaintenanceWindow, Outage, Ticket, TicketPause, TicketQuerySet

__all__ = ["Connector", "ImportJob", "ImportProfile", "Interval", "MaintenanceWindow", "Outage", "ProfileColumn",
           "ProfileRule", "ProfileValue", "QualityFinding", "SlaInputsVersion", "SlaMonth", "Ticket", "TicketEvent",
           "TicketPause", "TicketQuerySet", "WebhookEndpoint"]
