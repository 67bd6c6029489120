from django.core.management.base import BaseCommand

from bangfu.ledgers.services import purge_files


class Command(BaseCommand):
    help = (
        "Delete the files (uploads, error workbooks, exports) of import and export jobs that "
        "ended more than --days days ago; the job records stay. Run it daily (cron/systemd)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, days, **options):
        self.stdout.write(f"{purge_files(days)} files deleted")
