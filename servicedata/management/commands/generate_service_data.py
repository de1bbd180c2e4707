"""manage.py generate_service_data --tickets N --seed S [--contract ID ...] [--months M] [--csv FILE]"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contracts.models import Contract
from core import records
from core.context import acting_as
from org.models import User
from servicedata.generator import generate_tickets, outage_plan, write_csv
from servicedata.importer import TicketImport
from servicedata.models import MaintenanceWindow, Outage, Ticket


class Command(BaseCommand):
    help = ("Generate realistic synthetic tickets, pauses, outages and maintenance windows for contracts "
            "(default: every contract in force), deterministic for a seed, imported through the normal "
            "validated import (idempotent: the same seed again changes nothing).")

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=1000, help="Tickets per contract.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--contract", type=int, action="append", help="Contract id (repeatable).")
        parser.add_argument("--months", type=int, default=3, help="Months of history, up to now.")
        parser.add_argument("--csv", help="Write the tickets of the (single) contract to this CSV file instead.")
        parser.add_argument("--user", default="admin", help="Acting user (audit trail).")
        parser.add_argument("--no-outages", action="store_true")
        parser.add_argument("--skip-existing", action="store_true",
                            help="Leave contracts that already have tickets alone (used by `make run`).")

    def handle(self, *args, **options):
        contracts = Contract.objects.select_related("customer", "service_tier")
        if options["contract"]:
            contracts = contracts.filter(pk__in=options["contract"])
        else:
            contracts = contracts.in_force()
        contracts = list(contracts.order_by("pk"))
        if not contracts:
            raise CommandError("No contract to generate data for (load the demo or give --contract).")
        if options["csv"]:
            if len(contracts) != 1:
                raise CommandError("--csv needs exactly one --contract.")
            rows = generate_tickets(contracts[0], options["tickets"], options["seed"], options["months"])
            count = write_csv(options["csv"], rows)
            self.stdout.write(f"Wrote {count} tickets to {options['csv']}")
            return
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        with acting_as(user, request_id="generate_service_data"):
            for offset, contract in enumerate(contracts):
                seed = options["seed"] + offset * 1000
                if options["skip_existing"] and Ticket.objects.filter(contract__number=contract.number).exists():
                    self.stdout.write(f"{contract.number} {contract.title}: has tickets, left alone")
                    continue
                started = time.perf_counter()
                records_ = list(generate_tickets(contract, options["tickets"], seed, options["months"]))
                result = TicketImport(contract, user, external_system="ITSM").run(
                    lambda records_=records_: enumerate(records_, start=2), name=f"generated seed {seed}",
                    sha256="")
                if result.rejected:
                    raise CommandError(f"{contract}: generated data rejected: {result.errors[:3]}")
                windows = 0 if options["no_outages"] else self._outages(contract, user, seed, options["months"])
                self.stdout.write(f"{contract.number} {contract.title}: {result.created} created, {result.updated} "
                                  f"updated, {result.unchanged} unchanged, {windows} outages/windows added "
                                  f"({time.perf_counter() - started:.1f}s)")

    def _outages(self, contract, user, seed, months):
        outages, windows = outage_plan(contract, seed, months)
        added = 0
        with transaction.atomic():
            for model, items in ((Outage, outages), (MaintenanceWindow, windows)):
                for item in items:
                    if model.objects.filter(contract=contract, start=item["start"]).exists():
                        continue
                    records.create(model(contract=contract, **item), user)
                    added += 1
        return added
