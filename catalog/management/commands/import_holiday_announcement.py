"""manage.py import_holiday_announcement 2027.txt --calendar "5x8 北京" [--year 2027]"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.context import acting_as

from ...announcements import import_text
from ...models import Calendar
from .seed_holidays import Command as SeedCommand


class Command(BaseCommand):
    help = ("Import the State Council's holiday announcement (国务院办公厅关于20XX年部分节假日安排的通知, the text "
            "in a UTF-8 file) into a business calendar: its holidays and adjusted workdays (调休) for that year, "
            "the year marked as having holiday data; manual entries are kept.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="A UTF-8 text file with the announcement (or - for standard input).")
        parser.add_argument("--calendar", required=True, help="Calendar name, e.g. \"5x8 北京\".")
        parser.add_argument("--year", type=int, help="The announcement's year (default: read from its title).")
        parser.add_argument("--user", help="Acting user name (default: the first active administrator).")

    def handle(self, *args, file, calendar, year=None, user=None, **options):
        target = Calendar.objects.filter(name=calendar).first()
        if target is None:
            raise CommandError(f"No calendar named {calendar!r}.")
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8-sig") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        actor = SeedCommand()._actor(user)
        try:
            with acting_as(actor, request_id="import_holiday_announcement"):
                result = import_text(target, text, actor, year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"{target}: {result.summary()} (calendar version "
                                             f"{result.version.number})"))
