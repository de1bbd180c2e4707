"""`manage.py clause_map --check`: the clause map's files, their versions and everything wrong in them (exit 1 on
an error); `--export` writes the map in force as JSON (clauses with their procedure steps, record types, rules and
editions)."""

import json

from django.core.management.base import BaseCommand, CommandError

from assurance import clausemap


class Command(BaseCommand):
    help = "Check the clause map (built-in and SERVPLAN_CLAUSE_MAP_FILES) or export it as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="List the files and versions read and the errors.")
        parser.add_argument("--export", action="store_true", help="Print the map in force as JSON.")
        parser.add_argument("files", nargs="*", help="Company files to check instead of SERVPLAN_CLAUSE_MAP_FILES.")

    def handle(self, *args, check=False, export=False, files=(), **options):
        clause_map, errors = clausemap.read(files or None)
        if export and not errors:
            self.stdout.write(json.dumps(clausemap.as_data(clause_map), ensure_ascii=False, indent=2))
            return
        for name, version in clause_map.sources:
            self.stdout.write(f"{name}: version {version}")
        self.stdout.write(f"{len(clause_map.clauses)} clauses")
        for error in errors:
            self.stderr.write(str(error))
        if errors:
            raise CommandError(f"{len(errors)} error(s) in the clause map")
        self.stdout.write(self.style.SUCCESS("The clause map is valid."))
