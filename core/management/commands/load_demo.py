"""A realistic demo company, loaded by every app that has a `demo` module (see core.demo).

Idempotent: running it again changes nothing that exists. Every write goes
through the record service, so the demo data has its audit trail too.
"""


from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from core.apps import project_modules
from core.demo import DEMO_PASSWORD, DemoContext


def demo_modules():
    """The apps' demo modules, in INSTALLED_APPS order: each app's data after the data it builds on."""
    return [module for _config, module in project_modules("demo")]


class Command(BaseCommand):
    help = "Load the demo company (idempotent) and print one login per role."

    def handle(self, *args, **options):
        context = DemoContext()
        # The demo's customers and staff are fictional: what it issues and distributes is e-mailed to no one.
        with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for module in demo_modules():
                module.load(context)
            # The late pass: a record that reads every later stage's data (strategy's management review) is written
            # once all of them are loaded, by the module's optional `finish(context)`, again in INSTALLED_APPS order.
            for module in demo_modules():
                if hasattr(module, "finish"):
                    module.finish(context)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for line in context.messages:
            self.stdout.write(line)
