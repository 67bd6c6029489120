"""Writes of shared reference data: policy parameter versions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .dates import validate_plausible
from .models import PARAMETER_RANGES, Parameter


@transaction.atomic
def add_parameter_version(user, *, key, value, region_prefix, effective_from, source, note=""):
    """A new version of a rule for a region at or below the user's scope (superusers: anywhere).

    Versions are never edited in place: the version in force on a date is the one with the
    most specific region prefix, then the latest ``effective_from`` (see ``value_at``); a
    version for the same region and date as an earlier one corrects it.
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
    least, most, whole = PARAMETER_RANGES.get(key, (0, None, False))
    if value < least or (most is not None and value > most) or (whole and value % 1):
        allowed = (
            _("a whole number from %(least)s to %(most)s")
            if whole
            else _("a number from %(least)s to %(most)s")
            if most is not None
            else _("a number of at least %(least)s")
        ) % {"least": least, "most": most}
        raise ValidationError({"value": _("This rule takes %(allowed)s.") % {"allowed": allowed}})
    try:
        validate_plausible(effective_from)
    except ValidationError as exc:
        raise ValidationError({"effective_from": exc.messages}) from exc
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
