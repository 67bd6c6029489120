from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from bangfu.ledgers.services import purge_files, reap_stale


class Command(BaseCommand):
    help = (
        "Mark failed the jobs whose worker on this machine is gone (after a crash or a restart), "
        "then delete the files (uploads, error workbooks, exports) of import and export jobs "
        "that ended more than --days days ago; the job records stay. Run it daily "
        "(cron/systemd) and after restarting the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, days, **options):
        reaped = len(reap_stale())
        self.stdout.write(
            ngettext("%(n)s stale job marked failed", "%(n)s stale jobs marked failed", reaped)
            % {"n": reaped}
        )
        deleted = purge_files(days)
        self.stdout.write(
            ngettext("%(n)s file deleted", "%(n)s files deleted", deleted) % {"n": deleted}
        )
