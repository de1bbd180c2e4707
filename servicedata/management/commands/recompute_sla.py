"""manage.py recompute_sla --contract N [--from DATE] [--comment TEXT]"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from core.context import acting_as
from core.permissions import allowed
from org.models import User
from servicedata import sla
from servicedata.models import Ticket


class Command(BaseCommand):
    help = ("Re-measure a contract's tickets with its current business calendar and SLA version (after a "
            "calendar or SLA change). Recorded in the audit trail with the counts.")

    def add_arguments(self, parser):
        parser.add_argument("--contract", type=int, required=True)
        parser.add_argument("--from", dest="since", type=date.fromisoformat, help="Only tickets created from this "
                                                                                 "date (YYYY-MM-DD).")
        parser.add_argument("--comment", default="", help="Why (kept in the audit trail).")
        parser.add_argument("--user", default="admin")

    def handle(self, *args, **options):
        contract = Contract.objects.filter(pk=options["contract"]).first()
        if contract is None:
            raise CommandError(f"No contract {options['contract']}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None or not allowed(user, Ticket, "recompute"):
            raise CommandError(f"User {options['user']!r} does not exist or may not recompute SLA clocks.")
        with acting_as(user, request_id="recompute_sla"):
            result = sla.recompute(contract, user, since=options["since"], comment=options["comment"])
        self.stdout.write(self.style.SUCCESS(
            f"{result.tickets} tickets recomputed with calendar version {result.calendar_version_id} and SLA version "
            f"{result.sla_version_id} ({result.breached_response} response and {result.breached_resolution} "
            f"resolution breaches)."))
