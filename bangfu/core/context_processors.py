"""Navigation shell: what the menu shows to the current user."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, URL name, permission needed) — modules still to come have no URL yet.
NAVIGATION = (
    (_("Dashboard"), "stats:home", None),
    (_("Workshops"), "workshops:workshop-list", "workshops.view_workshop"),
    (_("Enterprises"), "workshops:enterprise-list", "workshops.view_enterprise"),
    (_("Positions"), "workshops:position-list", "workshops.view_position"),
    (_("Households"), "labor:household-list", "labor.view_household"),
    (_("Laborers"), "labor:laborer-list", "labor.view_laborer"),
    (_("Employment"), "labor:employment-list", "labor.view_employment"),
    (_("Wages"), "labor:wage-list", "labor.view_wagerecord"),
    (_("Ledger import"), "ledgers:import-list", "ledgers.add_importjob"),
    (_("My exports"), "ledgers:export-list", "ledgers.view_exportjob"),
    (_("Statistics report"), "stats:report", "stats.view_figure"),
    (_("Big screen"), "stats:screen", "stats.view_figure"),
    (_("Policy parameters"), "core:parameter-list", "core.view_parameter"),
    (_("Regions"), "regions:list", "regions.view_region"),
    (_("Users"), "accounts:user-list", "accounts.view_user"),
    (_("Audit logs"), "audit:index", "audit.view_loginlog"),
)
PLANNED_MODULES = (
    _("Recruiting"),
    _("Training"),
    _("Subsidies"),
    _("Returnees"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {
            "label": label,
            "url": reverse(name),
            "active": request.path == reverse(name)
            or (name != "stats:home" and request.path.startswith(reverse(name))),
        }
        for label, name, perm in NAVIGATION
        if perm is None or user.has_perm(perm)
    ]
    return {"nav_items": items, "planned_modules": PLANNED_MODULES}
