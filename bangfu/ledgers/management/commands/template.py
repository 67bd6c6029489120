from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bangfu.ledgers.registry import LEDGERS
from bangfu.ledgers.templates import write_template


class Command(BaseCommand):
    help = "Write the xlsx template of a ledger (Chinese headers, notes sheet, drop-down lists)."

    def add_arguments(self, parser):
        parser.add_argument("ledger", choices=sorted(LEDGERS))
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, ledger, output, **options):
        try:
            output.write_bytes(write_template(LEDGERS[ledger].template_columns()))
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(output))
