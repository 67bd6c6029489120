import json

from django.core.management.base import BaseCommand, CommandError

from bangfu.accounts.models import User
from bangfu.regions.models import Region
from bangfu.stats import selectors, services
from bangfu.stats.periods import parse


class Command(BaseCommand):
    help = "Print the statistics of a period from the summary tables (--rebuild: recompute first)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="2023, 2023Q2 or 2023-05")
        parser.add_argument("--region", help="Region code (default: the top region)")
        parser.add_argument("--by-region", action="store_true", help="One row per child region.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="JSON output.")
        parser.add_argument("--rebuild", action="store_true", help="Recompute every year first.")

    def handle(self, year, region, by_region, as_json, rebuild, **options):
        try:
            period = parse(year)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if rebuild:
            services.rebuild_all()
        console = User(
            username="console", is_superuser=True, is_active=True
        )  # the CLI runs unscoped
        node = (
            Region.objects.filter(code=region).first()
            if region
            else selectors.default_region(console)
        )
        if node is None:
            raise CommandError(f"unknown region {region!r}")
        if by_region:
            rows, total = selectors.by_child_region(console, period.key, node)
            result = {"year": period.key, "region": node.code, "rows": rows, "total": total}
        else:
            result = selectors.summary(console, period.key, node)
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for key, value in result.items() if not by_region else [("rows", len(result["rows"]))]:
                if key != "details":
                    self.stdout.write(f"{key}: {value}")
