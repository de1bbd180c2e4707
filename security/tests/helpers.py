"""Shared pieces of the security tests: the demo contract's tickets and an incident opened by hand."""

from datetime import timedelta

from django.utils import timezone

from contracts.demo import CHAIN_TITLE
from contracts.models import Contract
from core.context import acting_as
from servicedata.models import Ticket


def chain_contract():
    return Contract.objects.signed().get(title=CHAIN_TITLE)


def fresh_ticket(contract=None):
    """A ticket of the demo contract that has no incident yet."""
    contract = contract or chain_contract()
    return Ticket.objects.filter(contract__number=contract.number, security_incidents__isnull=True) \
        .order_by("-created").first()


def mark(user, ticket=None):
    from security.services import mark_by_hand

    with acting_as(user):
        incident, created = mark_by_hand(ticket or fresh_ticket(), user, description="test")
    assert created
    return incident


def reported_minutes_ago(incident, minutes):
    from security.models import SecurityIncident

    SecurityIncident.objects.filter(pk=incident.pk).update(
        reported_at=timezone.now() - timedelta(minutes=minutes))
    incident.refresh_from_db()
