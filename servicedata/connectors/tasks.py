"""The connectors' background work (django-tasks): one task per sync, and the periodic tick
(core.schedule, SERVPLAN_CONNECTOR_CRON) that enqueues each due connector exactly once."""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from ..choices import ConnectorState
from ..models import Connector

logger = logging.getLogger(__name__)

DUE_STATES = (ConnectorState.NEW, ConnectorState.OK, ConnectorState.RETRYING)


@task()
def sync_connector_task(connector_id: int) -> str:
    from .sync import run

    connector = Connector.objects.filter(pk=connector_id).first()
    if connector is None:
        return "gone"
    run(connector)
    connector.refresh_from_db(fields=["state"])
    return connector.state


def due(now):
    return Connector.objects.filter(enabled=True, state__in=DUE_STATES) \
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)).order_by("next_run_at", "pk")


def enqueue_due(now=None) -> int:
    """Claim each due connector with a guarded UPDATE (its next_run_at moves on only if nobody moved it first)
    and enqueue its sync: two ticks at once enqueue each connector once."""
    now = now or timezone.now()
    queued = 0
    for pk, next_run_at, minutes in due(now).values_list("pk", "next_run_at", "interval_minutes"):
        lease = now + timedelta(minutes=max(minutes, 1))  # a sync that dies is tried again after this
        claimed = Connector.objects.filter(pk=pk, next_run_at=next_run_at) if next_run_at else \
            Connector.objects.filter(pk=pk, next_run_at__isnull=True)
        if claimed.update(next_run_at=lease):
            sync_connector_task.enqueue(pk)
            queued += 1
    if queued:
        logger.info("enqueued %s connector syncs", queued)
    return queued


@task()
def connector_tick_task() -> int:
    return enqueue_due()


def request_sync(connector, user):
    """"Sync now" from the page or the API: whoever may sync, on a connector they may see; queued for the worker."""
    from core.permissions import allowed

    if not allowed(user, Connector, "sync") or \
            not Connector.objects.restrict(user, "view").filter(pk=connector.pk).exists():
        raise PermissionDenied
    return sync_connector_task.enqueue(connector.pk)
