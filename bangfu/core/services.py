"""Writes of shared reference data: policy parameter versions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Parameter


@transaction.atomic
def add_parameter_version(user, *, key, value, region_prefix, effective_from, source, note=""):
    """A new version of a rule for a region at or below the user's scope (superusers: anywhere).

    Versions are never edited in place: the version in force on a date is the one with the
    most specific region prefix, then the latest ``effective_from`` (see ``value_at``).
    """
    if not user.has_perm("core.add_parameter"):
        raise PermissionDenied(_("You do not have permission to change policy parameters."))
    region_prefix = region_prefix.strip()
    if not region_prefix.isdigit() and region_prefix:
        raise ValidationError(
            {"region_prefix": _("The region prefix is digits only (e.g. 43 or 430903).")}
        )
    if not user.is_superuser and not region_prefix.startswith(user.scope_prefix or "-"):
        raise ValidationError(
            {
                "region_prefix": _("You may set rules only for your own region (%(prefix)s…).")
                % {"prefix": user.scope_prefix}
            }
        )
    if not Parameter.objects.filter(key=key).exists():
        raise ValidationError({"key": _("Unknown parameter %(key)s.") % {"key": key}})
    parameter = Parameter(
        key=key,
        value=value,
        region_prefix=region_prefix,
        effective_from=effective_from,
        source=source,
        note=note,
    )
    parameter.full_clean()
    parameter.save()
    return parameter
