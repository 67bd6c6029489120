"""Writes for users and roles: nobody escalates a role or widens a scope."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.regions.models import Region

from .models import User
from .roles import ROLES, ROLES_BY_CODE, WORKSHOP_OPERATOR


def sync_roles():
    """Create or update one group per role with exactly the role's permissions."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    wanted = {p for role in ROLES for p in role.permissions}
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    unknown = wanted - found.keys()
    if unknown:
        raise ImproperlyConfigured(f"roles.py names unknown permissions: {sorted(unknown)}")
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.code)
        group.permissions.set([found[p] for p in role.permissions])


def sync_roles_after_migrate(sender, using="default", **kwargs):
    sync_roles()


def grantable_roles(actor):
    """Roles ``actor`` may give: strictly below their own rank, and only if they manage users."""
    if not actor.has_perm("accounts.add_user") and not actor.has_perm("accounts.change_user"):
        return []
    return [role for role in ROLES if role.rank < actor.rank]


def _check_grant(actor, region, role_codes):
    if WORKSHOP_OPERATOR in role_codes and len(role_codes) > 1:
        raise ValidationError(
            {
                "roles": _(
                    "A workshop operator has no other role (their access follows their workshops)."
                )
            }
        )
    allowed = {role.code for role in grantable_roles(actor)}
    refused = [code for code in role_codes if code not in allowed]
    if refused:
        names = ", ".join(str(ROLES_BY_CODE[c].label) if c in ROLES_BY_CODE else c for c in refused)
        raise PermissionDenied(_("You may not grant the role(s): %(roles)s.") % {"roles": names})
    if actor.is_superuser:
        return
    if region is None:
        raise ValidationError({"region": _("Choose a data scope inside your own region.")})
    if not Region.objects.restrict(actor, "view").filter(code=region.code).exists():
        raise PermissionDenied(
            _("The data scope %(region)s is outside your own region.") % {"region": region}
        )


def _check_target(actor, target):
    if target.pk == actor.pk:
        raise PermissionDenied(_("You cannot change your own roles or data scope."))
    if not User.objects.restrict(actor, "change").filter(pk=target.pk).exists():
        raise PermissionDenied(_("This user is outside your data scope."))
    if target.rank >= actor.rank:
        raise PermissionDenied(_("You cannot change a user whose role is not below yours."))


def _set_roles(user, role_codes):
    user.groups.set(Group.objects.filter(name__in=role_codes))
    user.__dict__.pop("role_codes", None)


def check_username_free(username):
    """ValidationError if a user has ``username`` (normalized), whatever its case: DISTRICT
    beside district."""
    if User.objects.filter(username__iexact=User.normalize_username(username)).exists():
        raise ValidationError(
            _("A user with that username already exists (usernames are not case-sensitive).")
        )


@transaction.atomic
def create_user(actor, *, username, password, region, role_codes, **fields):
    """Create a user inside ``actor``'s scope, with roles below ``actor``'s."""
    if not actor.has_perm("accounts.add_user"):
        raise PermissionDenied(_("You do not have permission to add users."))
    _check_grant(actor, region, role_codes)
    username = User.normalize_username(username)  # as full_clean will (ＡＢＣ → ABC)
    try:
        check_username_free(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from exc
    user = User(username=username, region=region, **fields)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    _set_roles(user, role_codes)
    return user


@transaction.atomic
def update_user(actor, target, *, region, role_codes, **fields):
    """Change another user's details, scope and roles under the same rules as creation."""
    _check_target(actor, target)
    _check_grant(actor, region, role_codes)
    for name, value in fields.items():
        setattr(target, name, value)
    target.region = region
    target.full_clean()
    target.save()
    _set_roles(target, role_codes)
    return target


@transaction.atomic
def set_password(actor, target, password):
    """Reset another user's password (same scope and rank rules as editing)."""
    _check_target(actor, target)
    validate_password(password, target)
    target.set_password(password)
    target.save(update_fields=["password"])
    return target


# username, role code (None: superuser), scope region code, display name
DEMO_ACCOUNTS = (
    ("admin", None, "430903000000", "系统管理员"),
    ("district", "district_admin", "430903000000", "区人社局管理员"),
    ("staff", "district_staff", "430903000000", "区人社局业务员"),
    ("cangshuipu", "township_officer", "430903105000", "沧水铺镇专干"),
    ("longling", "township_officer", "430903402000", "龙岭产业开发区专干"),
    ("leader", "leader", "430903000000", "区人社局领导"),
    ("auditor", "auditor", "430903000000", "审计员"),
)


@transaction.atomic
def create_demo_accounts(password):
    """Create the demo accounts (demo databases only); returns them in table order."""
    users = []
    for username, role_code, region_code, name in DEMO_ACCOUNTS:
        user = User(
            username=username,
            first_name=name,
            region_id=region_code,
            is_superuser=role_code is None,
            is_staff=role_code is None,
        )
        user.set_password(password)
        user.save()
        _set_roles(user, [role_code] if role_code else [])
        users.append(user)
    return users
