from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.regions.services import COLUMNS, import_regions, read_region_csv


class Command(BaseCommand):
    help = (
        "Import a region (行政区划) CSV file for any county; all or nothing. "
        f"Columns: {', '.join(COLUMNS)} (aliases, synthetic and note optional)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--synthetic", action="store_true", help="Mark every row as demo data.")

    def handle(self, file, synthetic, **options):
        try:
            rows = read_region_csv(file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        result = import_regions(rows, synthetic=True if synthetic else None)
        if not result.ok:
            for line, message in result.errors:
                self.stderr.write(
                    _("row %(line)s: %(message)s") % {"line": line, "message": message}
                )
            raise CommandError(
                _("Nothing imported: %(count)s error(s).") % {"count": len(result.errors)}
            )
        self.stdout.write(
            _("Regions: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
