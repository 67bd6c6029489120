"""Small date helpers shared by services and selectors, and the plausibility check of the
dates people type (forms, API and ledgers alike)."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1950, 1, 1)  # no workshop, position or job on record is older
AHEAD_DAYS = 366  # the furthest a date may lie ahead (a planned opening, pre-recruitment)


def validate_plausible(day):
    """A date a record may carry: from 1950 to a year from today. A mistyped year (0202,
    2203) is caught where it is typed, not in next year's figures."""
    latest = datetime.date.today() + datetime.timedelta(days=AHEAD_DAYS)
    if day is not None and not EARLIEST <= day <= latest:
        raise ValidationError(
            _("%(day)s is not a plausible date (1950 to a year from today); check the year."),
            code="implausible_date",
            params={"day": day.isoformat()},
        )


def add_months(day, months):
    """``day`` moved by whole months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
