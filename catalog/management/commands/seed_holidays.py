"""manage.py seed_holidays --calendar "5x8 北京" --years 2024-2027"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core.context import acting_as
from core.roles import Role
from org.models import User

from ...calendars import parse_years, seed_china_holidays
from ...models import Calendar


class Command(BaseCommand):
    help = ("Seed China's public holidays and adjusted workdays (调休) from chinese-calendar into a business "
            "calendar (idempotent; manual entries are kept). Years the package has no data for are reported.")

    def add_arguments(self, parser):
        parser.add_argument("--calendar", required=True, help="Calendar name, e.g. \"5x8 北京\".")
        parser.add_argument("--years", required=True, help="A year, a range or a list: 2025, 2024-2027, 2024,2026.")
        parser.add_argument("--user", help="Acting user name (default: the first active administrator).")

    def handle(self, *args, calendar, years, user=None, **options):
        target = Calendar.objects.filter(name=calendar).first()
        if target is None:
            raise CommandError(f"No calendar named {calendar!r}.")
        try:
            wanted = parse_years(years)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        actor = self._actor(user)
        with acting_as(actor, request_id="seed_holidays"):
            result = seed_china_holidays(target, wanted, actor, comment="seed_holidays")
        self.stdout.write(self.style.SUCCESS(f"{target}: {result.summary()} (calendar version "
                                             f"{result.version.number})"))
        if result.missing_years:
            self.stderr.write(self.style.WARNING(
                f"WARNING: no holiday data for {', '.join(map(str, result.missing_years))}; these years stay "
                "flagged as missing on the calendar and on every figure computed with it."))

    def _actor(self, username):
        users = User.objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No active user {username!r}.")
            return actor
        actor = users.filter(Q(is_superuser=True) | Q(role_assignments__role=Role.ADMIN)).order_by("pk").first()
        if actor is None:
            raise CommandError("No administrator found; pass --user.")
        return actor
