"""Writes for households, laborers, employment and wages; every rule lives here.

The spreadsheet importers (issue #5) reuse ``prepare_identity``, the same field checks and the
employment rules (``check_can_hire`` … ``check_wage_month``: pure functions raising a field-less
``ValidationError``; each caller puts the message on its own field or column).
"""

import contextlib
import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from bangfu.core import pii
from bangfu.core.dates import month_start, validate_plausible
from bangfu.core.identity import id_birth_date, id_gender, mask_id_number, validate_id_number
from bangfu.regions.models import Level, Region
from bangfu.stats.services import mark_dirty
from bangfu.workshops.models import Position, Status, Workshop

from . import pinyin
from .models import (
    Category,
    Employment,
    Household,
    HouseholdIncome,
    Laborer,
    WageRecord,
    WorkStatus,
)

HIRING_STATUSES = (Status.APPLYING, Status.RECOGNIZED, Status.WATCH)
HIRE_AHEAD_DAYS = 90  # pre-recruitment (预招到岗) may fix a start date up to this far ahead


class LaborerRowsInvalid(ValidationError):
    """Some laborer rows of a household registration are invalid; nothing was saved.

    ``rows`` is ``[(index, {field: [messages]}), ...]`` so each message lands on its row.
    """

    def __init__(self, rows):
        self.rows = rows
        super().__init__(
            [
                _("Row %(row)s: %(errors)s")
                % {"row": i + 1, "errors": " ".join(sum(e.values(), []))}
                for i, e in rows
            ]
        )


def _require(user, model, action, obj=None):
    if obj is None:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            raise PermissionDenied(_("You do not have permission for this action."))
    elif not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("This record is outside your data scope."))


@functools.lru_cache(maxsize=65536)
def pinyin_keys(name):
    """Full pinyin and initials of a name, for searches like ``zhangsan`` or ``zs``."""
    syllables = pinyin.syllables(name)  # lazy_pinyin's, at a fraction of its cost
    return "".join(syllables).lower(), "".join(s[:1] for s in syllables).lower()


def prepare_identity(raw_id_number):
    """Validated ID → stored fields: ciphertext, blind index, masked copy, gender, birth date."""
    return identity_fields(validate_id_number(raw_id_number))


def identity_fields(number, index=None):
    """The stored fields of an already validated ID number (``index``: its blind index, if
    already computed)."""
    return {
        "id_cipher": pii.encrypt(number),
        "id_index": index or pii.blind_index(number),
        "id_masked": mask_id_number(number),
        "gender": id_gender(number),
        "birth_date": id_birth_date(number),
    }


def find_by_id_number(raw_id_number):
    """The laborer with this exact ID number, or None (unscoped: callers restrict)."""
    return Laborer.objects.filter(
        id_index=pii.blind_index(validate_id_number(raw_id_number))
    ).first()


# --- households and laborers ------------------------------------------------------------------


def _check_household(user, fields):
    region = fields["region"]
    if region.level != Level.VILLAGE:
        raise ValidationError({"region": _("Choose the village (or community) of the household.")})
    if not Region.objects.restrict(user).filter(pk=region.pk).exists():
        raise ValidationError(
            {"region": _("%(region)s is outside your data scope.") % {"region": region}}
        )
    if fields.get("category") != Category.MONITORED:
        fields["monitor_type"] = fields["risk_status"] = ""
    elif not fields.get("monitor_type") or not fields.get("risk_status"):
        raise ValidationError(
            {"monitor_type": _("A monitored household needs its monitoring type and risk status.")}
        )


def _validated_id(id_number):
    """The normalized ID number, or a ValidationError on the ``id_number`` field."""
    try:
        return validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc


def _apply_laborer_fields(user, laborer, id_number, fields):
    if id_number is not None:
        identity = prepare_identity(_validated_id(id_number))
        other = Laborer.objects.filter(id_index=identity["id_index"]).exclude(pk=laborer.pk).first()
        if other is not None and Laborer.objects.restrict(user).filter(pk=other.pk).exists():
            raise ValidationError(
                {
                    "id_number": _(
                        "This ID number is already registered (%(name)s, in the %(household)s)."
                    )
                    % {"name": other.name, "household": other.household}
                }
            )
        if other is not None:
            raise ValidationError(
                {
                    "id_number": _(
                        "This ID number is already registered outside your data scope; "
                        "ask the district office to move the person."
                    )
                }
            )
        for name, value in identity.items():
            setattr(laborer, name, value)
    for name, value in fields.items():
        setattr(laborer, name, value)
    laborer.name_pinyin, laborer.name_initials = pinyin_keys(laborer.name)
    laborer.region_id = laborer.household.region_id


@transaction.atomic
def register_household(user, household_fields, laborers=()):
    """A household and its laborers, all or nothing.

    ``laborers`` is a sequence of dicts with ``id_number`` and the laborer fields; invalid rows
    raise :class:`LaborerRowsInvalid` after every row was checked.
    """
    _require(user, Household, "add")
    _check_household(user, household_fields)
    household = Household(**household_fields)
    household.full_clean()
    household.save()
    errors, seen = [], {}
    for index, data in enumerate(laborers):
        data = dict(data)
        id_number = data.pop("id_number")
        try:
            _require(user, Laborer, "add")
            index_key = pii.blind_index(_validated_id(id_number))
            if index_key in seen:
                raise ValidationError(
                    {
                        "id_number": _("The same ID number is given twice (rows %(a)s and %(b)s).")
                        % {"a": seen[index_key] + 1, "b": index + 1}
                    }
                )
            seen[index_key] = index
            laborer = Laborer(household=household)
            _apply_laborer_fields(user, laborer, id_number, data)
            laborer.full_clean(exclude=["id_cipher", "id_index", "name_pinyin", "name_initials"])
            laborer.save()
        except ValidationError as exc:
            errors.append(
                (
                    index,
                    exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages},
                )
            )
    if errors:
        raise LaborerRowsInvalid(errors)
    return household


@transaction.atomic
def update_household(user, household, **fields):
    _require(user, Household, "change", household)
    _check_household(user, fields)
    for name, value in fields.items():
        setattr(household, name, value)
    household.full_clean()
    household.save()
    household.laborers.update(region_id=household.region_id)
    Employment.objects.filter(laborer__household=household).update(
        laborer_region_id=household.region_id
    )
    _mark_laborers_dirty(Employment.objects.filter(laborer__household=household))
    return household


@transaction.atomic
def record_income(user, household, *, year, per_capita_income):
    """Record (or correct) a household's annual per-capita net income."""
    _require(user, Household, "change", household)
    this_year = datetime.date.today().year
    if not 2000 <= year <= this_year:
        raise ValidationError(
            {"year": _("Enter a year between 2000 and %(year)s.") % {"year": this_year}}
        )
    if per_capita_income < 0:
        raise ValidationError({"per_capita_income": _("The income cannot be negative.")})
    income, _created = HouseholdIncome.objects.update_or_create(
        household=household, year=year, defaults={"per_capita_income": per_capita_income}
    )
    return income


@transaction.atomic
def add_laborer(user, household, *, id_number, **fields):
    """Register one more laborer in a household the user may change."""
    _require(user, Household, "change", household)
    _require(user, Laborer, "add")
    laborer = Laborer(household=household)
    _apply_laborer_fields(user, laborer, id_number, fields)
    laborer.full_clean(exclude=["id_cipher", "id_index", "name_pinyin", "name_initials"])
    laborer.save()
    return laborer


@transaction.atomic
def update_laborer(user, laborer, *, id_number=None, **fields):
    """Edit a laborer; a new ID number (if given) is validated and re-encrypted."""
    _require(user, Laborer, "change", laborer)
    _apply_laborer_fields(user, laborer, id_number or None, fields)
    laborer.full_clean(exclude=["id_cipher", "id_index", "name_pinyin", "name_initials"])
    laborer.save()
    _mark_laborers_dirty(laborer.employments.all())
    return laborer


def _mark_laborers_dirty(employments):
    """Category, gender or birth date changed: the years of these employments need recomputing."""
    first = employments.order_by("start_date").values_list("start_date", flat=True).first()
    if first:
        mark_dirty(first)


# --- employment and wages ---------------------------------------------------------------------


@contextlib.contextmanager
def _on_field(field):
    """Re-raise a field-less rule error on ``field`` (the form shows it next to that field)."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError({field: exc}) from exc


def check_can_hire(workshop_name, status):
    """Only a workshop applying, recognized or under watch (``HIRING_STATUSES``) may hire."""
    if status not in HIRING_STATUSES:
        raise ValidationError(
            _(
                "%(workshop)s is %(status)s and cannot hire; new employment can be "
                "recorded only while a workshop is applying, recognized or under "
                "watch."
            ),
            code="cannot_hire",
            params={"workshop": workshop_name, "status": Status(status).label},
        )


def check_start_date(start_date, *, today=None):
    """A start date at most ``HIRE_AHEAD_DAYS`` ahead (pre-recruitment)."""
    latest = (today or datetime.date.today()) + datetime.timedelta(days=HIRE_AHEAD_DAYS)
    if start_date > latest:
        raise ValidationError(
            _(
                "The start date is more than %(days)s days ahead; record the "
                "employment nearer to the start."
            ),
            code="start_too_far_ahead",
            params={"days": HIRE_AHEAD_DAYS, "start": start_date, "latest": latest},
        )


def position_open_on(posted_on, closed_on, day):
    """Whether a position posted on ``posted_on`` (closed on ``closed_on``, if any) is open on
    ``day``."""
    return posted_on <= day and (closed_on is None or closed_on >= day)


def check_position_open(title, posted_on, closed_on, start_date):
    """A new employment starts while its position is open."""
    if not position_open_on(posted_on, closed_on, start_date):
        raise ValidationError(
            _(
                "The position “%(title)s” is not open on the start date %(start)s; correct "
                "the start date or the position's posting dates."
            ),
            code="position_not_open",
            params={
                "title": title,
                "start": start_date,
                "posted_on": posted_on,
                "closed_on": closed_on,
            },
        )


def check_leaving_date(start_date, end_date, *, today=None):
    """A leaving date neither before the start date nor in the future."""
    params = {"start": start_date, "end": end_date}
    if end_date < start_date:
        raise ValidationError(
            _("The leaving date %(end)s is before the start date %(start)s; correct one of them."),
            code="end_before_start",
            params=params,
        )
    if end_date > (today or datetime.date.today()):
        raise ValidationError(
            _("The leaving date %(end)s is in the future; record a leaving once it happened."),
            code="end_in_future",
            params=params,
        )


def check_no_wage_after(end_date, last_wage_month):
    """No wage recorded for a month after the leaving month (``last_wage_month``: the latest
    month paid, or None)."""
    if last_wage_month is not None and last_wage_month > month_start(end_date):
        raise ValidationError(
            _(
                "Wages are recorded up to %(month)s, after this leaving date; correct the "
                "leaving date or those wages first."
            ),
            code="wage_after_end",
            params={"month": f"{last_wage_month:%Y-%m}", "end": end_date},
        )


def check_wage_month(month, start_date, end_date, *, today=None):
    """A wage month not in the future and within the employment (from the month of
    ``start_date`` to that of ``end_date``, if any; ``start_date`` None: the period is unknown,
    only the future is checked)."""
    month = month_start(month)
    validate_plausible(month)  # a mistyped year (0202) named as such, not as before the start
    params = {"month": month.isoformat()[:7], "start": start_date, "end": end_date}
    if month > (today or datetime.date.today()):
        raise ValidationError(
            _("%(month)s is a future month; record a wage once it has been paid."),
            code="wage_month_in_future",
            params=params,
        )
    if start_date is not None and month < month_start(start_date):
        raise ValidationError(
            _(
                "The wage month %(month)s is before the start date %(start)s; correct the month or "
                "the start date."
            ),
            code="wage_month_before_start",
            params=params,
        )
    if end_date is not None and month > month_start(end_date):
        raise ValidationError(
            _(
                "The wage month %(month)s is after the leaving date %(end)s; correct the "
                "month or the leaving date."
            ),
            code="wage_month_after_end",
            params=params,
        )


@transaction.atomic
def hire(user, *, laborer, position, start_date, contract_type, monthly_wage):
    """Employ a laborer in a position; one open employment per laborer (database constraint)."""
    _require(user, Employment, "add")
    # the position as stored, locked: it cannot move to another workshop meanwhile
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("workshop")
        .get(pk=position.pk)
    )
    workshop = position.workshop
    if not Workshop.objects.restrict(user).filter(pk=workshop.pk).exists():
        raise ValidationError({"position": _("The workshop is outside your data scope.")})
    with _on_field("position"):
        check_can_hire(workshop.name, workshop.status)
    with _on_field("start_date"):
        check_start_date(start_date)
        check_position_open(position.title, position.posted_on, position.closed_on, start_date)
    employment = Employment(
        laborer=laborer,
        workshop=workshop,
        position=position,
        region_id=workshop.region_id,
        laborer_region_id=laborer.region_id,
        start_date=start_date,
        contract_type=contract_type,
        monthly_wage=monthly_wage,
    )
    employment.full_clean(exclude=["laborer"], validate_constraints=False)
    open_job = (
        Employment.objects.filter(laborer=laborer, end_date__isnull=True)
        .select_related("workshop")
        .first()
    )
    if (
        open_job is not None
        and not Employment.objects.restrict(user).filter(pk=open_job.pk).exists()
    ):
        # the current employer is outside the user's scope: name nobody
        raise ValidationError(
            {"laborer": _("This person is still employed elsewhere and cannot be hired now.")}
        )
    if open_job is not None:
        raise ValidationError(
            {
                "laborer": _(
                    "%(name)s is still employed at %(workshop)s; record the leaving first."
                )
                % {"name": laborer.name, "workshop": open_job.workshop}
            }
        )
    try:
        with transaction.atomic():
            employment.save()
    except IntegrityError as exc:  # a simultaneous hire won the race
        raise ValidationError({"laborer": _("This person has just been hired elsewhere.")}) from exc
    Laborer.objects.filter(pk=laborer.pk).update(work_status=WorkStatus.WORKSHOP)
    mark_dirty(start_date)
    return employment


@transaction.atomic
def leave(user, employment, *, end_date, reason="", work_status=WorkStatus.RETURNED_UNEMPLOYED):
    """Record that a laborer left; wages after the leaving month are refused."""
    _require(user, Employment, "change", employment)
    if employment.end_date is not None:
        raise ValidationError(_("This employment has already ended."))
    with _on_field("end_date"):
        check_leaving_date(employment.start_date, end_date)
        check_no_wage_after(end_date, employment.wages.aggregate(last=Max("month"))["last"])
    employment.end_date, employment.leave_reason = end_date, reason
    employment.save()
    Laborer.objects.filter(pk=employment.laborer_id).update(work_status=work_status)
    mark_dirty(end_date)
    return employment


@transaction.atomic
def delete_employment(user, employment):
    """Delete an employment entered by mistake (only while no wage is recorded for it)."""
    _require(user, Employment, "delete", employment)
    if employment.wages.exists():
        raise ValidationError(
            _("Wages are recorded for this employment; record the leaving instead.")
        )
    start = employment.start_date
    employment.delete()
    mark_dirty(start)


@transaction.atomic
def record_wage(user, employment, *, month, amount):
    """Record (or correct) the wage paid for one month of an employment."""
    _require(user, Employment, "change", employment)
    month = month_start(month)
    with _on_field("month"):
        check_wage_month(month, employment.start_date, employment.end_date)
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    current = WageRecord.objects.filter(employment=employment, month=month).first()
    if current is not None and current.amount == amount:
        return current  # the same again (2000 for 2000.00): nothing written, nothing logged
    record, _created = WageRecord.objects.update_or_create(
        employment=employment,
        month=month,
        defaults={"amount": amount, "region_id": employment.region_id},
    )
    mark_dirty(month)
    return record
