"""Reporting periods: a year, a quarter or a month, named ``2023``, ``2023Q2``, ``2023-05``."""

import datetime
import re
from dataclasses import dataclass

from bangfu.core.dates import add_months, month_end

PATTERN = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date

    @property
    def kind(self):
        return "quarter" if "Q" in self.key else "month" if "-" in self.key else "year"

    @property
    def year(self):
        return self.start.year

    def previous(self):
        """The period of the same kind just before this one."""
        months = {"year": 12, "quarter": 3, "month": 1}[self.kind]
        return period_of(self.kind, add_months(self.start, -months))


def parse(key):
    """``Period`` for a key, or ``ValueError`` with the accepted forms."""
    match = PATTERN.match(str(key).strip())
    if not match:
        raise ValueError(f"period {key!r}: use YYYY, YYYYQn or YYYY-MM")
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise ValueError(f"period {key!r}: the year must be between 2000 and 2100")
    if match["quarter"]:
        start = datetime.date(year, 3 * int(match["quarter"]) - 2, 1)
        return Period(f"{year}Q{match['quarter']}", start, month_end(add_months(start, 2)))
    if match["month"]:
        start = datetime.date(year, int(match["month"]), 1)
        return Period(f"{year}-{match['month']}", start, month_end(start))
    return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def period_of(kind, day):
    if kind == "year":
        return parse(str(day.year))
    if kind == "quarter":
        return parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    return parse(f"{day.year}-{day.month:02d}")


def periods_of_year(year):
    """The year, its quarters and its months."""
    return (
        [parse(str(year))]
        + [parse(f"{year}Q{q}") for q in range(1, 5)]
        + [parse(f"{year}-{m:02d}") for m in range(1, 13)]
    )
