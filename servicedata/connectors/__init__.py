"""Pull connectors: one module per service desk API (servicenow, jira, glpi, zammad) on a shared HTTP client
(base), and the sync that imports what changed as one audited import (sync)."""

from ..choices import ConnectorKind
from .base import Batch, Client, ConnectorError, window_start  # noqa: F401
from .glpi import GlpiClient
from .jira import JiraClient
from .servicenow import ServiceNowClient
from .zammad import ZammadClient

CLIENTS = {ConnectorKind.SERVICENOW: ServiceNowClient, ConnectorKind.JIRA: JiraClient,
           ConnectorKind.GLPI: GlpiClient, ConnectorKind.ZAMMAD: ZammadClient}


def client_class(kind) -> type[Client]:
    return CLIENTS[kind]
