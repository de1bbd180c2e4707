"""manage.py refresh_sla_rollup [--contract ID ...] [--from DATE]: rebuild the SLA rollup from the tickets."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract
from servicedata.models import Ticket
from servicedata.sla import rollup


class Command(BaseCommand):
    help = ("Recompute the SLA rollup (the per-month counts the dashboards, trend and reports read) from the "
            "tickets table: every contract with tickets, or the ones given, every month or from a date on.")

    def add_arguments(self, parser):
        parser.add_argument("--contract", type=int, action="append", help="Contract id (repeatable).")
        parser.add_argument("--from", dest="since", type=date.fromisoformat,
                            help="First day (YYYY-MM-DD) whose month is refreshed; default every month.")

    def handle(self, *args, **options):
        ids = options["contract"] or list(Ticket.objects.values_list("contract_id", flat=True).order_by()
                                          .distinct())
        missing = set(ids) - set(Contract.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No contract with id {', '.join(str(pk) for pk in sorted(missing))}.")
        for contract_id in sorted(ids):
            months = rollup.refresh(contract_id, since=options["since"])
            self.stdout.write(f"contract {contract_id}: {months} months refreshed")
