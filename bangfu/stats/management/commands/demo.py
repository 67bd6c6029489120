import json
import time

from django.core.management.base import BaseCommand, CommandError

from bangfu.stats import demo


class Command(BaseCommand):
    help = (
        "Load the synthetic Heshan demo dataset (2023: 35 workshops, 522 laborers employed, "
        "429 positions, +65 on 2022) into an empty database, or with --scale N a large "
        "proportional dataset for benchmarks. Deterministic: the same seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument("--scale", type=int, help="Generate N laborers (benchmarks).")

    def handle(self, seed, scale, **options):
        started = time.monotonic()
        try:
            counts = demo.load_scale(scale, seed=seed) if scale else demo.load_demo(seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts["seconds"] = round(time.monotonic() - started, 1)
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
