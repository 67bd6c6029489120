import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.models import User
from bangfu.ledgers.base import write_error_workbook
from bangfu.ledgers.registry import LEDGERS
from bangfu.ledgers.reader import LedgerFileError, read
from bangfu.regions.models import Region


class Command(BaseCommand):
    help = (
        "Import a ledger file (xlsx/xls/csv): validate every row, then write all rows "
        "(--mode all: nothing if any row is rejected) or the valid ones (--mode valid). "
        "--json prints counts and errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("ledger", choices=sorted(LEDGERS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", default="admin", help="Import as this user (their data scope applies)."
        )
        parser.add_argument(
            "--region", help="Narrow the import to this region code (within the user's scope)."
        )
        parser.add_argument("--mode", choices=("all", "valid"), default="all")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count only.")
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument(
            "--errors", type=Path, help="Write the rejected rows with an error column here."
        )

    def handle(self, ledger, file, user, region, mode, dry_run, as_json, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user!r}")
        if region:
            node = Region.objects.restrict(actor).filter(code=region).first()
            if node is None:
                raise CommandError(f"region {region} is not in {user}'s data scope")
            actor.region, actor.is_superuser = node, False
            actor.__dict__.pop("scope_prefix", None)
        try:
            importer = LEDGERS[ledger](actor)
            table = read(file.read_bytes(), file.name, importer.columns)
            plan = importer.plan(table)
            result = plan.counts if dry_run else importer.apply(plan, mode=mode)
        except (OSError, LedgerFileError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        result = {**result, "dry_run": dry_run, "mode": mode, "errors": plan.error_dicts()}
        if errors_path := options.get("errors"):
            write_error_workbook(str(errors_path), importer, table, plan)
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items() if k != "errors"))
            for e in result["errors"]:
                self.stdout.write(
                    f"  row {e['row']} [{e['column']}] {e['value']!r}: {e['message']}"
                )
        if result["errors"] and mode == "all" and not dry_run:
            raise CommandError("nothing imported: fix the rejected rows or use --mode valid")
