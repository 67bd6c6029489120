from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from bangfu.accounts.models import User
from bangfu.accounts.roles import role_label
from bangfu.accounts.services import DEMO_ACCOUNTS, create_demo_accounts
from bangfu.regions.models import Level, Region
from bangfu.regions.services import load_bundled
from bangfu.stats.demo import load_demo
from bangfu.workshops.models import Workshop

REGION_FILES = ("heshan_regions.csv",)  # the official codes of the district and its townships
DEMO_REGION_FILES = ("heshan_demo_villages.csv",)  # synthetic villages (演示数据)


class Command(BaseCommand):
    help = (
        "Prepare the database: migrate, sync roles, and on an empty database load the Heshan "
        "district and townships and — unless --no-demo or in production — the synthetic demo "
        "villages, the demo accounts and the demo dataset. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Never create demo data (villages, accounts, dataset): load your villages with "
            "import_regions.",
        )

    def handle(self, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        demo = not (no_demo or settings.PRODUCTION)
        files = () if Region.objects.exists() else REGION_FILES
        if demo and not Region.objects.filter(level=Level.VILLAGE).exists():
            files += DEMO_REGION_FILES  # villages of one's own (import_regions) stay alone
        for name in files:
            result = load_bundled(name)
            self.stdout.write(
                f"{name}: " + _("%(count)s regions loaded.") % {"count": result.created}
            )
        if not demo:
            return
        if not User.objects.exists():
            create_demo_accounts(settings.BANGFU_DEMO_PASSWORD)
        if not Workshop.objects.exists():
            if Region.objects.filter(level=Level.VILLAGE, synthetic=True).exists():
                self.stdout.write(_("Loading the Heshan demo dataset…"))
                counts = load_demo()
                self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
            else:
                self.stdout.write(_("The demo dataset needs the demo villages: not loaded."))
        self.print_demo_accounts()

    def print_demo_accounts(self):
        existing = set(
            User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        if not existing:
            return
        regions = Region.objects.in_bulk([a[2] for a in DEMO_ACCOUNTS])
        self.stdout.write(
            _("Demo accounts (password: %(password)s — demo use only):")
            % {"password": settings.BANGFU_DEMO_PASSWORD}
        )
        for username, role_code, region_code, _name in DEMO_ACCOUNTS:
            if username in existing:
                role = role_label(role_code) if role_code else _("Superuser")
                region = regions.get(region_code)
                self.stdout.write(
                    f"  {username:<12} {role}  {region.name if region else ''} {region_code}"
                )
