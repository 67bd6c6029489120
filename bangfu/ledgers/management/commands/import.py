import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.models import User
from bangfu.ledgers.models import JobStatus
from bangfu.ledgers.registry import LEDGERS
from bangfu.ledgers.services import import_file
from bangfu.regions.models import Region


class Command(BaseCommand):
    help = (
        "Import a ledger file (xlsx/xls/csv): validate every row, then write all rows "
        "(--mode all: nothing if any row is rejected) or the valid ones (--mode valid). "
        "--json prints counts and errors. Each run is recorded as an import job."
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
            job = import_file(actor, ledger, file, mode=mode, dry_run=dry_run)
        except (OSError, PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        if job.status == JobStatus.FAILED and not job.rows:
            raise CommandError(job.message)
        result = {
            "job": job.pk,
            "status": job.status,
            "created": job.created if job.written or dry_run else 0,
            "updated": job.updated if job.written or dry_run else 0,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "written": job.written,
            "dry_run": dry_run,
            "mode": mode,
            "seconds": round(job.duration or 0, 3),
            "error_count": job.error_count,
            "notes": job.message if job.status != JobStatus.FAILED else "",
            "errors": job.errors,
        }
        if (errors_path := options.get("errors")) and job.error_workbook:
            with job.error_workbook.open("rb") as handle:
                errors_path.write_bytes(handle.read())
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items() if k != "errors"))
            for e in result["errors"]:
                self.stdout.write(
                    f"  row {e['row']} [{e['column']}] {e['value']!r}: {e['message']}"
                )
        if job.status == JobStatus.FAILED:
            raise CommandError(job.message)
