"""Writes for enterprises, workshops (lifecycle) and positions; every rule lives here."""

import datetime
import unicodedata
from dataclasses import asdict, dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.dates import add_months, validate_plausible
from bangfu.core.identity import validate_uscc
from bangfu.core.models import Parameter
from bangfu.core.selectors import saved
from bangfu.stats.services import mark_dirty

from .models import CriteriaGroup, Enterprise, Position, Status, StatusChange, Workshop

# Lifecycle steps: step → (the status it leads to, the statuses it may start from).
STEPS = {
    "recognize": (Status.RECOGNIZED, (Status.APPLYING,)),
    "reject": (Status.REJECTED, (Status.APPLYING,)),
    "watch": (Status.WATCH, (Status.RECOGNIZED,)),
    "remove": (Status.REMOVED, (Status.RECOGNIZED, Status.WATCH)),
    "restore": (Status.RECOGNIZED, (Status.WATCH, Status.REMOVED)),
    "resubmit": (Status.APPLYING, (Status.REJECTED,)),
}
GRACE_MONTHS_KEY = "workshop.watch_grace_months"


def _require(user, model, action, obj=None):
    """PermissionDenied unless ``obj`` (or the model, for adds) is within ``restrict``."""
    queryset = model.objects.restrict(user, action)
    if obj is None:
        if not user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
            raise PermissionDenied(_("You do not have permission for this action."))
    elif not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(_("This record is outside your data scope."))


def _require_region(user, region):
    from bangfu.regions.models import Region

    if not Region.objects.restrict(user).filter(pk=region.pk).exists():
        raise ValidationError(
            {"region": _("%(region)s is outside your data scope.") % {"region": region}}
        )


# --- enterprises ------------------------------------------------------------------------------


@transaction.atomic
def save_enterprise(user, enterprise=None, **fields):
    """Create or update an enterprise; the USCC is validated and unique."""
    _require(user, Enterprise, "change" if enterprise else "add", enterprise)
    _require_region(user, fields["region"])
    try:
        fields["uscc"] = validate_uscc(fields["uscc"])
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from exc
    duplicate = Enterprise.objects.filter(uscc=fields["uscc"]).exclude(
        pk=getattr(enterprise, "pk", None)
    )
    if duplicate := duplicate.first():
        visible = Enterprise.objects.restrict(user).filter(pk=duplicate.pk).exists()
        raise ValidationError(
            {
                "uscc": _("An enterprise with this credit code is already registered: %(name)s.")
                % {"name": duplicate.name}
                if visible  # another region's enterprise is not named
                else _(
                    "An enterprise with this credit code is registered outside your data "
                    "scope; ask the district office."
                )
            }
        )
    enterprise = enterprise or Enterprise()
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


# --- recognition criteria ---------------------------------------------------------------------


@dataclass
class Criterion:
    key: str
    label: str
    required: float | None
    actual: float
    passed: bool
    source: str


CRITERIA = {
    CriteriaGroup.FACTORY: (
        ("min_floor_area", gettext_lazy("Floor area (m²)")),
        ("min_positions", gettext_lazy("Positions open")),
        ("min_poor_laborers", gettext_lazy("Poverty-alleviated laborers employed")),
    ),
    CriteriaGroup.HOME: (
        ("min_poor_laborers", gettext_lazy("Poverty-alleviated laborers employed")),
    ),
}


def open_positions(workshop, on):
    return workshop.positions.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=on), posted_on__lte=on
    )


def assisted_employed(workshop, on):
    """Distinct laborers from assisted households employed at the workshop on ``on``."""
    from bangfu.labor.models import ASSISTED_CATEGORIES

    return (
        workshop.employments.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
        )
        .filter(laborer__household__category__in=ASSISTED_CATEGORIES)
        .values("laborer")
        .distinct()
        .count()
    )


def recognition_check(workshop, on=None):
    """Each criterion in force on ``on`` for this workshop: required, actual, passed, source."""
    on = on or datetime.date.today()
    actuals = {
        "min_floor_area": lambda: float(workshop.floor_area),
        "min_positions": lambda: (
            open_positions(workshop, on).aggregate(n=Sum("headcount"))["n"] or 0
        ),
        "min_poor_laborers": lambda: assisted_employed(workshop, on),
    }
    group = workshop.workshop_type.criteria_group
    results = []
    for key, label in CRITERIA[group]:
        parameter = Parameter.objects.value_at(f"recognition.{group}.{key}", on, workshop.region_id)
        actual = actuals[key]()
        if parameter is None:
            results.append(Criterion(key, str(label), None, actual, False, _("No rule in force")))
        else:
            required = float(parameter.value)
            results.append(
                Criterion(key, str(label), required, actual, actual >= required, parameter.source)
            )
    return results


# --- lifecycle --------------------------------------------------------------------------------


def can_take_step(user, workshop, step):
    """Whether ``user`` may take ``step`` on ``workshop`` now (for offering it in the UI)."""
    try:
        _check_step(user, workshop, step)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _check_step(user, workshop, step):
    """PermissionDenied / ValidationError unless ``user`` may take ``step`` on ``workshop`` now.

    Resubmitting a rejected application needs only the right to change the workshop; every
    other step is a review decision.
    """
    _require(user, Workshop, "change", workshop)
    if step != "resubmit" and not user.has_perm("workshops.review_workshop"):
        raise PermissionDenied(_("Only reviewing officers may change a workshop's status."))
    to_status, sources = STEPS[step]
    if workshop.status not in sources:
        raise ValidationError(
            _("A workshop in status “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(workshop.status).label, "to": Status(to_status).label}
        )


def _check_date(on, field="on"):
    """A step's date (or the application date): not in the future, not a mistyped year."""
    if on > datetime.date.today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    try:
        validate_plausible(on)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _move(user, workshop, step, on, reason="", *, overridden=False, check=()):
    _check_step(user, workshop, step)
    to_status = STEPS[step][0]
    _check_date(on)
    if on < workshop.status_since:
        raise ValidationError(
            {
                "on": _("The date cannot be before the current status began (%(date)s).")
                % {"date": workshop.status_since}
            }
        )
    StatusChange.objects.create(
        workshop=workshop,
        from_status=workshop.status,
        to_status=to_status,
        on=on,
        reason=reason,
        overridden=overridden,
        check_result=[asdict(c) for c in check],
        actor=user,
    )
    workshop.status, workshop.status_since = to_status, on
    if to_status != Status.WATCH:
        workshop.grace_until = None
    workshop.save()
    mark_dirty(on)
    return workshop


@transaction.atomic
def apply(user, *, operators=(), **fields):
    """Record a workshop application (申报); it starts in status “application pending”."""
    _require(user, Workshop, "add")
    _require_region(user, fields["region"])
    if not Enterprise.objects.restrict(user).filter(pk=fields["enterprise"].pk).exists():
        raise ValidationError({"enterprise": _("The enterprise is outside your data scope.")})
    on = fields.pop("applied_on", None) or datetime.date.today()
    _check_date(on, "applied_on")
    workshop, history = new_application(user, on=on, **fields)
    workshop.full_clean()
    check_type_in_use(workshop.workshop_type)
    _check_name(workshop)
    workshop.save()
    _set_operators(user, workshop, operators)
    history.save()
    return workshop


def new_application(user, *, on, reason=None, **fields):
    """An unsaved workshop application (status “application pending” since ``on``) and its
    unsaved first status-history row, recorded by ``user``: saved one at a time by ``apply``
    and in bulk by the workshop ledger import (``history`` takes the workshop's key on save)."""
    workshop = Workshop(status=Status.APPLYING, status_since=on, **fields)
    history = StatusChange(
        workshop=workshop,
        to_status=Status.APPLYING,
        on=on,
        actor=user,
        reason=reason or _("Application recorded"),
    )
    return workshop, history


def check_type_in_use(kind, current_type_id=None):
    """ValidationError if the workshop type ``kind`` is retired and not the workshop's own
    already (``current_type_id``): a retired type stays on the workshops that have it."""
    if not kind.is_active and kind.pk != current_type_id:
        raise ValidationError(
            {
                "workshop_type": _(
                    "The workshop type “%(type)s” is no longer in use; choose another."
                )
                % {"type": kind.name}
            }
        )


def _check_name(workshop):
    """ValidationError if another workshop of its enterprise has its name: ledgers name a
    workshop by its enterprise and name, and compare names as ``ledgers.cleaning.compact``
    does (full-width letters and digits as half-width, spaces ignored)."""

    def key(name):
        return "".join(unicodedata.normalize("NFKC", name).split())

    Enterprise.objects.select_for_update().filter(pk=workshop.enterprise_id).first()  # in turn
    others = Workshop.objects.filter(enterprise_id=workshop.enterprise_id).exclude(pk=workshop.pk)
    if any(key(name) == key(workshop.name) for name in others.values_list("name", flat=True)):
        raise ValidationError(
            {
                "name": _(
                    "This enterprise already has a workshop named “%(name)s”; give this one "
                    "another name (ledgers tell an enterprise's workshops apart by name)."
                )
                % {"name": workshop.name}
            }
        )


def _set_operators(user, workshop, chosen):
    """Bind the chosen operators; operators the editor cannot see stay bound."""
    from bangfu.accounts.models import User

    visible = User.objects.restrict(user)
    hidden = workshop.operators.exclude(pk__in=visible.values("pk"))
    workshop.operators.set([*hidden, *visible.filter(pk__in=[u.pk for u in chosen])])


@transaction.atomic
def update_workshop(user, workshop, *, operators=None, **fields):
    """Edit a workshop's descriptive fields; status changes go through the transitions."""
    _require(user, Workshop, "change", workshop)
    _require_region(user, fields.get("region", workshop.region))
    # what is stored (the edit form has set the new values on the workshop already)
    before = saved(workshop, "region_id", "name", "enterprise_id", "workshop_type_id")
    for name, value in fields.items():
        setattr(workshop, name, value)
    workshop.full_clean()
    check_type_in_use(workshop.workshop_type, before[3])
    if before[1:3] != (workshop.name, workshop.enterprise_id):  # a name clash of old stays
        _check_name(workshop)
    workshop.save()
    if operators is not None:
        _set_operators(user, workshop, operators)
    if workshop.region_id != before[0]:
        move_records([workshop.pk])
    mark_workshops_dirty([workshop.pk])  # region or breakdown fields may have changed
    return workshop


def move_records(workshop_ids):
    """The positions, employment and wages of the workshops ``workshop_ids`` follow them to
    the region each is now saved in: three bulk updates, for one workshop (``update_workshop``)
    or many (the workshop ledger import)."""
    from bangfu.labor.models import Employment, WageRecord

    def region_of(model, key):
        return Subquery(model.objects.filter(pk=OuterRef(key)).values("region_id"))

    Position.objects.filter(workshop_id__in=workshop_ids).update(
        region_id=region_of(Workshop, "workshop_id")
    )
    Employment.objects.filter(workshop_id__in=workshop_ids).update(
        region_id=region_of(Workshop, "workshop_id")
    )
    WageRecord.objects.filter(employment__workshop_id__in=workshop_ids).update(
        region_id=region_of(Employment, "employment_id")
    )


def mark_workshops_dirty(workshop_ids):
    """Statistics recomputed from the first status-history date of the workshops (today if
    they have none) after their region or breakdown fields changed."""
    first = (
        StatusChange.objects.filter(workshop_id__in=workshop_ids)
        .order_by("on")
        .values_list("on", flat=True)
        .first()
    )
    mark_dirty(first or datetime.date.today())


@transaction.atomic
def recognize(user, workshop, *, certificate_no, on, override_reason=""):
    """认定: checks the criteria in force; failing ones need a written override reason."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    _check_step(user, workshop, "recognize")
    certificate_no = certificate_no.strip()
    if not certificate_no:
        raise ValidationError({"certificate_no": _("Enter the certificate number.")})
    if Workshop.objects.filter(certificate_no=certificate_no).exclude(pk=workshop.pk).exists():
        raise ValidationError({"certificate_no": _("This certificate number is already used.")})
    check = recognition_check(workshop, on)
    failed = [c for c in check if not c.passed]
    if failed and not override_reason.strip():
        details = "; ".join(
            _("%(label)s: %(actual)s, required %(required)s")
            % {
                "label": c.label,
                "actual": f"{c.actual:g}",
                "required": "—" if c.required is None else f"{c.required:g}",
            }
            for c in failed
        )
        raise ValidationError(
            {
                "override_reason": _(
                    "Criteria not met (%(details)s). Give a written reason to recognize anyway."
                )
                % {"details": details}
            }
        )
    workshop.certificate_no, workshop.recognized_on = certificate_no, on
    return _move(
        user, workshop, "recognize", on, override_reason, overridden=bool(failed), check=check
    )


@transaction.atomic
def reject(user, workshop, *, on, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for rejecting.")})
    return _move(user, workshop, "reject", on, reason)


@transaction.atomic
def watch(user, workshop, *, on, reason, grace_until=None):
    """监测待处置: under watch until the grace end date (default from the parameter, 6 months)."""
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for putting the workshop under watch.")}
        )
    _check_date(on)
    if grace_until is None:
        months = Parameter.objects.value_at(GRACE_MONTHS_KEY, on, workshop.region_id)
        grace_until = add_months(on, int(months.value) if months else 6)
    if not on < grace_until <= add_months(on, 24):
        raise ValidationError(
            {
                "grace_until": _(
                    "The grace period must end after the watch begins, within two years."
                )
            }
        )
    workshop.grace_until = grace_until
    return _move(user, workshop, "watch", on, reason)


@transaction.atomic
def remove(user, workshop, *, on, reason):
    """清理: removed from the list; history and records are kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing the workshop.")})
    return _move(user, workshop, "remove", on, reason)


@transaction.atomic
def restore(user, workshop, *, on, reason):
    """Back to recognized, from watch or removal."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for restoring the workshop.")})
    return _move(user, workshop, "restore", on, reason)


@transaction.atomic
def resubmit(user, workshop, *, on, reason=""):
    """A rejected application submitted again."""
    return _move(user, workshop, "resubmit", on, reason)


# --- positions --------------------------------------------------------------------------------

# The Position rules are the model's check constraints (their messages say how to fix them);
# the field each concerns, for the forms, the API and the positions ledger import alike.
POSITION_RULE_FIELDS = {
    "position_headcount_positive": "headcount",
    "position_closed_after_posted": "closed_on",
    "position_wage_range": "wage_max",
}


def position_rule_errors(position, exclude=()):
    """[(field, message)] of the Position rules ``position`` breaks, checked before saving so
    the field (or the ledger row) is reported instead of the database refusing the write;
    rules on a field in ``exclude`` (one already in error) are skipped."""
    errors = []
    for constraint in Position._meta.constraints:
        try:
            constraint.validate(Position, position, exclude=exclude)
        except ValidationError as exc:
            field = POSITION_RULE_FIELDS.get(constraint.name, NON_FIELD_ERRORS)
            errors.append((field, " ".join(exc.messages)))
    return errors


def check_position(position):
    """ValidationError, by field, unless ``position`` passes the model's field checks and the
    Position rules."""
    errors = {}
    try:
        position.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    for field, message in position_rule_errors(position, exclude=set(errors)):
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_position(user, position=None, **fields):
    """Create or edit a position of a workshop the user may see (operators: their own)."""
    _require(user, Position, "change" if position else "add", position)
    workshop = fields["workshop"]
    if not Workshop.objects.restrict(user).filter(pk=workshop.pk).exists():
        raise ValidationError({"workshop": _("The workshop is outside your data scope.")})
    # the edit form has set the new values; the row locked against a hire meanwhile
    before = saved(position, "workshop_id", "posted_on", lock=True)
    if before and before[0] != workshop.pk and position.employments.exists():
        raise ValidationError(
            {
                "workshop": _(
                    "People were hired into this position: it cannot move to another workshop. "
                    "Close it here and open the position at the other workshop."
                )
            }
        )
    previous_posted_on = before[1] if before else fields["posted_on"]
    position = position or Position()
    for name, value in fields.items():
        setattr(position, name, value)
    position.region_id = workshop.region_id
    check_position(position)
    position.save()
    mark_dirty(min(previous_posted_on, position.posted_on))
    return position
