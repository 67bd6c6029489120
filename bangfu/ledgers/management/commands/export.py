from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bangfu.accounts.models import User
from bangfu.audit.models import AccessAction
from bangfu.audit.services import record_access
from bangfu.core.exports import export_values, write_xlsx
from bangfu.labor.selectors import laborer_list
from bangfu.labor.tables import LaborerFullTable, LaborerTable
from bangfu.regions.models import Region


class Command(BaseCommand):
    help = (
        "Export the laborers a user may see to xlsx in constant memory; masked ID numbers and "
        "phones unless --full-id (needs the permission). Every export is written to the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("ledger", choices=["laborers"])
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument("--user", default="admin")
        parser.add_argument("--region", help="Only this region code and below.")
        parser.add_argument("--full-id", action="store_true")

    def handle(self, ledger, output, user, region, full_id, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user!r}")
        if full_id and not actor.has_perm("labor.view_full_id"):
            raise CommandError(_("You do not have permission for this action."))
        queryset = laborer_list(actor).order_by("region_id", "name_pinyin", "pk")
        if region:
            node = Region.objects.filter(code=region).first()
            if node is None:
                raise CommandError(f"no region {region}")
            queryset = queryset.filter(region__code__startswith=node.scope_prefix)
        table = (LaborerFullTable if full_id else LaborerTable)(queryset)
        rows = export_values(table)
        count = write_xlsx(str(output), _("Laborers"), next(rows), rows)
        kind = "full IDs" if full_id else "masked"
        record_access(
            actor,
            AccessAction.EXPORT_PERSONAL,
            region=actor.region,
            detail=f"bangfu export laborers ({kind}, {count}) {region or ''}",
        )
        self.stdout.write(f"{output}: {count}")
