from django.core.management.base import BaseCommand

from core.fonts import ensure_fonts


class Command(BaseCommand):
    help = "Convert the shipped Noto Sans SC web fonts once to TTF for PDF exports and chart images."

    def handle(self, *args, **options):
        fonts = ensure_fonts()
        if options["verbosity"]:
            self.stdout.write(f"Fonts ready: {fonts.regular}, {fonts.bold}")
