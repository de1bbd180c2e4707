"""One sync of a connector: read every changed ticket first (bounded pages), then import them all as ONE audited
import (source "sync"), so an API error mid-way writes nothing; then move the cursor to the newest change seen.

The window starts at the cursor less SERVPLAN_CONNECTOR_OVERLAP_MINUTES: tickets read twice are found unchanged by
the importer (same content, same digest), so the overlap costs nothing and a change the tool wrote late is not
lost. A failure counts (`failures`), retries after an exponential backoff (SERVPLAN_CONNECTOR_BACKOFF_MINUTES
doubled per failure, at most SERVPLAN_CONNECTOR_BACKOFF_MAX_MINUTES) and stops the connector (FAILED) after
SERVPLAN_CONNECTOR_MAX_FAILURES in a row; each failure is audited with its readable reason, never a credential.
A success resets the count.
"""

import hashlib
import json
import logging
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t

from core import audit
from core.choices import AuditAction
from core.context import acting_as, user_locale

from .. import sla
from ..choices import ConnectorState, ImportSource, ImportStatus
from ..models import Connector
from . import client_class, credentials
from .base import ConnectorError, window_start

logger = logging.getLogger(__name__)


def spec_for(connector):
    """(spec, built-in key): the connector's own approved profile, else its service desk's built-in REST profile."""
    from ..intake import builtin
    from ..intake.spec import ProfileSpec

    if connector.profile_id:
        return ProfileSpec.from_profile(connector.profile), ""
    spec = builtin.for_connector(connector.kind)
    return spec, spec.key


def backoff(failures) -> timedelta:
    minutes = settings.SERVPLAN_CONNECTOR_BACKOFF_MINUTES * 2 ** max(failures - 1, 0)
    return timedelta(minutes=min(minutes, settings.SERVPLAN_CONNECTOR_BACKOFF_MAX_MINUTES))


def run(connector: Connector, *, now=None):
    """Sync now (the worker task's body; tests call it). Returns the import job, or None when nothing changed or
    the reading failed (the connector then says why)."""
    now = now or timezone.now()
    connector = Connector.objects.select_related("contract", "run_as", "profile").get(pk=connector.pk)
    with acting_as(connector.run_as, request_id=f"sync-{connector.pk}"), \
            user_locale(connector.run_as, unset_keeps_active=True):
        secrets = {}
        try:
            secrets = credentials.read(connector)
            spec, builtin_key = spec_for(connector)
            zone = zoneinfo.ZoneInfo(spec.time_zone) if spec.time_zone else sla.contract_zone(connector.contract)
            client = client_class(connector.kind)(connector.base_url, secrets, query=connector.query, zone=zone)
            batch = client.fetch(window_start(connector.cursor))
            if not batch.records:
                succeed(connector, connector.cursor, now)
                return None
            job = _import(connector, spec, builtin_key, batch)
        except ConnectorError as exc:
            fail(connector, credentials.redact(exc.describe(), secrets), now)
            return None
        except (PermissionDenied, ValidationError) as exc:
            fail(connector, credentials.redact(_t("The import was refused: %(error)s") % {"error": exc}, secrets),
                 now)
            return None
        except Exception as exc:  # an answer the tool's module did not expect, a profile that does not fit
            logger.exception("connector %s (%s) sync failed", connector.pk, connector.kind)
            fail(connector, credentials.redact(_t("The sync failed: %(error)s") % {
                "error": f"{type(exc).__name__}: {exc}"[:300]}, secrets), now)
            return None
        if job.status != ImportStatus.DONE:
            fail(connector, credentials.redact(job.message or job.get_status_display(), secrets), now)
            return job
        newest = max((t for t in (connector.cursor, batch.newest) if t is not None), default=None)
        succeed(connector, newest, now, partial=not batch.complete)
        return job


def _import(connector, spec, builtin_key, batch):
    """Every changed ticket as one import job (source "sync"), audited by the importer."""
    from ..services import import_records

    body = json.dumps(batch.records, sort_keys=True, ensure_ascii=False, default=str).encode()
    name = _t("%(connector)s: %(n)s changed tickets") % {"connector": connector.name, "n": len(batch.records)}
    return import_records(connector.contract, connector.run_as, lambda: spec.records(batch.records),
                          source=ImportSource.SYNC, spec=spec, profile=connector.profile,
                          builtin_profile=builtin_key, connector=connector, name=name[:200],
                          sha256=hashlib.sha256(body).hexdigest())


def _save(connector, values):
    Connector.objects.filter(pk=connector.pk).update(**values)
    for name, value in values.items():
        setattr(connector, name, value)


def fail(connector, message, now):
    failures = connector.failures + 1
    stopped = failures >= settings.SERVPLAN_CONNECTOR_MAX_FAILURES
    before = {"state": connector.state, "failures": connector.failures, "next_run_at": connector.next_run_at}
    _save(connector, {"failures": failures, "state": ConnectorState.FAILED if stopped else ConnectorState.RETRYING,
                      "next_run_at": None if stopped else now + backoff(failures), "last_error": message})
    logger.warning("connector %s (%s) failed, %s in a row: %s", connector.pk, connector.kind, failures, message)
    audit.record_entry(AuditAction.UPDATE, connector, user=connector.run_as, comment=message,
                       changes={name: [value, getattr(connector, name)] for name, value in before.items()})


def succeed(connector, cursor, now, *, partial=False):
    before = connector.state
    # A sync stopped by the page bound goes on at once from where it stopped; else at the connector's interval.
    following = now if partial else now + timedelta(minutes=connector.interval_minutes)
    _save(connector, {"state": ConnectorState.OK, "failures": 0, "last_error": "", "last_success_at": now,
                      "cursor": cursor, "next_run_at": following})
    if before != ConnectorState.OK:
        audit.record_entry(AuditAction.UPDATE, connector, user=connector.run_as,
                           comment=_t("The connector synced successfully."),
                           changes={"state": [before, ConnectorState.OK]})
