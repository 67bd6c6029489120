"""The roles of the platform, as data: Django groups with permissions and a rank.

``sync_roles`` (run after every migrate) makes the groups match this table, so a later app
adds its permissions here and nothing else changes. A user may grant only roles of a lower
rank than their own highest role (superusers: any role).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
WORKSHOP_OPERATOR = "workshop_operator"
CRUD = (VIEW, ADD, CHANGE, DELETE)


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    rank: int
    description: str
    permissions: tuple  # "app_label.codename"


def perms(model, actions=CRUD):
    app_label, model_name = model.split(".")
    return tuple(f"{app_label}.{action}_{model_name}" for action in actions)


REGION_READ = perms("regions.region", (VIEW,))
USER_ADMIN = perms("accounts.user", (VIEW, ADD, CHANGE))
READ, WRITE = (VIEW,), (VIEW, ADD, CHANGE)
WORKSHOP_MODELS = ("workshops.enterprise", "workshops.workshop", "workshops.position")
LABOR_MODELS = ("labor.household", "labor.laborer", "labor.employment", "labor.wagerecord")


def perms_for(models, actions):
    return tuple(p for model in models for p in perms(model, actions))


REGISTRY_WRITE = (
    *perms_for(WORKSHOP_MODELS + LABOR_MODELS, WRITE),
    "labor.view_full_id",
    "labor.delete_employment",  # correcting a mistaken hire (only without wages)
)
REGISTRY_VIEW = perms_for(WORKSHOP_MODELS + LABOR_MODELS, READ)
STATS_AND_RULES_READ = ("stats.view_figure", "core.view_parameter")
IMPORT_JOBS = perms("ledgers.importjob", (VIEW, ADD))
EXPORT_JOBS = perms("ledgers.exportjob", (VIEW, ADD))
JOBS = (*IMPORT_JOBS, *EXPORT_JOBS)
LOG_READ = (
    *perms("audit.loginlog", (VIEW,)),
    *perms("audit.accesslog", (VIEW,)),
    *perms("audit.changelogentry", (VIEW,)),
)

ROLES = (
    Role(
        "district_admin",
        _("District administrator"),
        90,
        _("Runs the platform for the district: users, roles, regions and every register."),
        (
            *perms("regions.region", (VIEW, ADD, CHANGE)),
            *USER_ADMIN,
            *REGISTRY_WRITE,
            *STATS_AND_RULES_READ,
            *JOBS,
            "workshops.review_workshop",
            "core.add_parameter",
        ),
    ),
    Role(
        "auditor",
        _("Auditor"),
        80,
        _("Reads login, change and access logs; changes nothing."),
        (
            *REGION_READ,
            *LOG_READ,
            *STATS_AND_RULES_READ,
            *EXPORT_JOBS,
            *perms("ledgers.importjob", (VIEW,)),
        ),
    ),
    Role(
        "leader",
        _("Leader"),
        70,
        _("Reads statistics and dashboards of their region; changes nothing."),
        (*REGION_READ, *REGISTRY_VIEW, *STATS_AND_RULES_READ, *EXPORT_JOBS),
    ),
    Role(
        "district_staff",
        _("District staff"),
        60,
        _("Keeps the district registers: workshops, laborers, subsidies."),
        (
            *REGION_READ,
            *REGISTRY_WRITE,
            *STATS_AND_RULES_READ,
            *JOBS,
            "workshops.review_workshop",
        ),
    ),
    Role(
        "township_officer",
        _("Township officer"),
        50,
        _("Keeps the registers of one township and manages its village informants and operators."),
        (
            *REGION_READ,
            *USER_ADMIN,
            *perms_for(WORKSHOP_MODELS + LABOR_MODELS, WRITE),
            *STATS_AND_RULES_READ,
            *JOBS,
        ),
    ),
    Role(
        "village_informant",
        _("Village informant"),
        30,
        _("Records households and laborers of one village."),
        (
            *REGION_READ,
            *perms_for(("labor.household", "labor.laborer"), WRITE),
            *perms_for(WORKSHOP_MODELS + ("labor.employment",), READ),
            *STATS_AND_RULES_READ,
            *JOBS,
        ),
    ),
    Role(
        WORKSHOP_OPERATOR,
        _("Workshop operator"),
        20,
        _("Keeps the positions, roster and wages of their own workshops."),
        (
            *REGION_READ,
            *perms_for(("workshops.enterprise", "workshops.workshop", "labor.laborer"), READ),
            *perms_for(("workshops.position", "labor.employment", "labor.wagerecord"), WRITE),
            *JOBS,
        ),
    ),
)
ROLES_BY_CODE = {role.code: role for role in ROLES}


def role_label(code):
    role = ROLES_BY_CODE.get(code)
    return role.label if role else code
