"""What every ledger importer shares: the plan (valid rows with their action, rejected rows with
their errors), the two write modes, the lookups by name within the importer's scope, and the
error workbook.

A ledger subclasses :class:`Ledger`: ``columns`` (the template and the reader), ``clean_row``
(one row → data and errors, with the same validation functions as forms and API), ``plan``
(compare with the registry) and ``write`` (bulk writes of the rows to create or update).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bangfu.core import bulk
from bangfu.regions.models import Level, Region
from bangfu.workshops.models import Workshop

from . import cleaning
from .reader import ERROR_WORKBOOK_COLUMNS


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass
class Plan:
    rows: list = field(default_factory=list)  # (row number, action, data) for valid rows
    errors: list = field(default_factory=list)  # RowError
    rejected_rows: set = field(default_factory=set)
    raw: dict = field(default_factory=dict)  # row number → row as read, if rejected when cleaned
    notes: list = field(default_factory=list)  # what the user should know, rejecting nothing

    @property
    def counts(self):
        actions = Counter(map(itemgetter(1), self.rows))  # one pass at C speed (a million rows)
        created, updated = actions["create"], actions["update"]
        return {
            "created": created,
            "updated": updated,
            "unchanged": len(self.rows) - created - updated,
            "rejected": len(self.rejected_rows),
        }

    def reject(self, number, column, value, message):
        self.errors.append(RowError(number, str(column), value, str(message)))
        self.rejected_rows.add(number)

    def error_dicts(self, columns=()):
        """The errors as dicts, by row, and within a row in the order of ``columns`` (column
        headers, as the ledger lists them; others after them)."""
        order = {str(header): position for position, header in enumerate(columns)}
        return [
            e.__dict__
            for e in sorted(self.errors, key=lambda e: (e.row, order.get(e.column, len(order))))
        ]


def choice_map(choices):
    """The codes and the labels (in every language of the platform) of ``choices``,
    normalized, → code: a Chinese ledger imports the same for a user with an English UI."""
    mapping = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                mapping[cleaning.compact(value).lower()] = value
                mapping[cleaning.compact(label).lower()] = value
    return mapping


def village_names(region):
    """(its names, other names a ledger may give it) of ``region`` (a village), compact: its
    name and aliases; those without 村, and after its township's name and its county's
    (沧水铺镇向阳村). A name matches by the first set before the second."""
    names = {cleaning.compact(name) for name in (region.name, *region.alias_list)}
    short = names | {name[:-1] for name in names if name.endswith("村") and len(name) > 2}
    township = region.parent
    prefixes = [""]
    if township is not None:
        prefixes.append(cleaning.compact(township.name))
        if township.parent is not None:
            prefixes.append(cleaning.compact(township.parent.name) + prefixes[1])
    return names, {prefix + name for prefix in prefixes for name in short}


class WorkshopNotFound(ValueError):
    """A workshop name (or name and credit code) that finds no single workshop; ``key`` is the
    column to report it on."""

    def __init__(self, key, message):
        super().__init__(message)
        self.key = key


WORKSHOP_VALUES = (
    "id",
    "name",
    "region_id",
    "region__name",
    "status",
    "enterprise__uscc",
    "enterprise__name",
)


def row_list(numbers):
    """Row numbers as a message names them: 4、5、9."""
    return "、".join(map(str, numbers))


def disagreements(rows, keys):
    """(column key, its distinct values, sorted) for each column of ``keys`` on which ``rows``
    ((row number, data) describing one thing: an enterprise, a household) disagree."""
    for key in keys:
        values = {data[key] for _number, data in rows}
        if len(values) > 1:
            yield key, sorted(values)


def required(value):
    if value in ("", None):
        raise ValueError(_("This column is required."))
    return value


def required_text(value):
    return required(cleaning.text(value))


class Ledger:
    """One kind of ledger; instantiated per import with the importing user."""

    do_not_call_in_templates = True  # templates list the ledger classes themselves
    key = ""
    title = ""
    columns = ()
    permissions = ()  # all needed to import
    choices = {}  # column key → TextChoices
    length_checked = ()  # (model, field name, column key): values checked against max_length

    def __init__(self, user):
        if not all(user.has_perm(p) for p in self.permissions):
            raise PermissionDenied(_("You may not import this ledger."))
        self.user = user
        self.headers = {column.key: column.header for column in self.columns}
        self.choice_maps = {key: choice_map(choices) for key, choices in self.choices.items()}
        self._masked = {c.key for c in self.columns if c.masked}
        self._coded = [(c.key, c.required) for c in self.columns if c.key in self.choices]
        self._limits = [
            (key, model._meta.get_field(name).max_length)
            for model, name, key in self.length_checked
        ]
        self._villages = {}  # cell text → village, for the villages already resolved
        self._workshops = None
        self._regions = None
        self.progress = lambda fraction: None  # the job runner reports checking progress here

    # --- lookups within the importer's scope -------------------------------------------------

    def _region_maps(self):
        if self._regions is None:
            regions = list(
                Region.objects.restrict(self.user)
                .filter(level=Level.VILLAGE)
                .select_related("parent__parent")
            )
            by_name, by_other_name = defaultdict(list), defaultdict(list)
            for region in regions:
                names, others = village_names(region)
                for name in names:
                    by_name[name].append(region)
                for name in others - names:
                    by_other_name[name].append(region)
            self._regions = ({r.code: r for r in regions}, by_name, by_other_name)
        return self._regions

    def village(self, raw):
        """The village (or community) named or coded ``raw``, inside the importer's scope."""
        try:
            return self._villages[raw]
        except (KeyError, TypeError):
            pass
        by_code, by_name, by_other_name = self._region_maps()
        value = cleaning.compact(raw)
        if value in by_code:
            self._villages[raw] = by_code[value]
            return by_code[value]
        if value.isdigit() and len(value) == 12:
            raise ValueError(_("Village %(code)s is not in your data scope.") % {"code": value})
        matches = by_name.get(value) or by_other_name.get(value, [])  # exact names first
        if len(matches) > 1:
            codes = "、".join(f"{m.parent.name}{m.name} {m.code}" for m in matches)
            raise ValueError(
                _("“%(name)s” matches several villages (%(codes)s); give the 12-digit code.")
                % {"name": value, "codes": codes}
            )
        if not matches:
            raise ValueError(
                _("No village “%(name)s” in your data scope; check the name or give the code.")
                % {"name": value}
            )
        self._villages[raw] = matches[0]
        return matches[0]

    def workshops(self):
        """({id: workshop values}, {compact name: [workshop values]}) of the workshops the
        importer may see (for a workshop operator: their own)."""
        if self._workshops is None:
            by_id, by_name = {}, defaultdict(list)
            for values in Workshop.objects.restrict(self.user).values(*WORKSHOP_VALUES):
                by_id[values["id"]] = values
                by_name[cleaning.compact(values["name"])].append(values)
            self._workshops = (by_id, by_name)
        return self._workshops

    def find_workshop(self, raw, uscc=""):
        """The workshop named ``raw`` among those the importer may see, narrowed by the
        enterprise's credit code ``uscc`` if given (column ``uscc``), as a values dict;
        :class:`WorkshopNotFound` if none or several match."""
        name = cleaning.compact(raw)
        if not name:
            raise WorkshopNotFound("workshop", _("This column is required."))
        found = self.workshops()[1].get(name, [])
        if not found:
            raise WorkshopNotFound(
                "workshop",
                _(
                    "No workshop “%(name)s” in your data scope; check the name against the "
                    "workshop list."
                )
                % {"name": name},
            )
        if uscc:
            found = [w for w in found if w["enterprise__uscc"] == uscc]
            if not found:
                raise WorkshopNotFound(
                    "uscc",
                    _(
                        "The workshop “%(name)s” in your data scope is not run by the "
                        "enterprise with this credit code; check the code."
                    )
                    % {"name": name},
                )
            if len(found) > 1:
                raise WorkshopNotFound(
                    "workshop",
                    _(
                        "Several workshops of this enterprise are named “%(name)s”; ask the "
                        "district office to give them distinct names."
                    )
                    % {"name": name},
                )
        if len(found) > 1:
            which = "、".join(
                f"{w['region__name']} {w['enterprise__name']} {w['enterprise__uscc']}"
                for w in found
            )
            raise WorkshopNotFound(
                "workshop",
                _(
                    "“%(name)s” matches several workshops (%(which)s); give the enterprise’s "
                    "credit code in the column %(column)s."
                )
                % {"name": name, "which": which, "column": self.headers["uscc"]},
            )
        return found[0]

    def choice(self, key, raw, is_required):
        """The code of the choice ``raw`` (a code or a label) of column ``key``."""
        try:
            return self.choice_maps[key][raw]  # the same cell text again: already known
        except (KeyError, TypeError):
            pass
        value = cleaning.compact(raw).lower()
        if not value:
            if is_required:
                raise ValueError(_("This column is required."))
            self.choice_maps[key][raw] = ""  # an optional column left empty: known from now on
            return ""
        if value not in self.choice_maps[key]:
            labels = "、".join(str(label) for _v, label in self.choices[key].choices)
            raise ValueError(
                _("“%(value)s” is not allowed; use one of: %(labels)s.")
                % {"value": cleaning.text(raw), "labels": labels}
            )
        self.choice_maps[key][raw] = self.choice_maps[key][value]
        return self.choice_maps[key][value]

    def cleaner(self, raw):
        """(data, errors, take): ``take(key, fn)`` cleans one column into ``data``, or records
        the ValueError/ValidationError message in ``errors``."""
        data, errors = {}, {}

        def take(key, fn):
            try:
                data[key] = fn(raw.get(key))
            except ValidationError as exc:
                errors[key] = " ".join(exc.messages)
            except ValueError as exc:
                errors[key] = str(exc)

        return data, errors, take

    def take_choices(self, raw, data, errors):
        """Clean every coded column of ``raw`` into ``data`` (messages into ``errors``)."""
        maps = self.choice_maps
        for key, is_required in self._coded:
            value = raw.get(key)
            try:
                data[key] = maps[key][value]  # a cell text seen before: no call
                continue
            except (KeyError, TypeError):
                pass
            try:
                data[key] = self.choice(key, value, is_required)
            except ValueError as exc:
                errors[key] = str(exc)

    def check_lengths(self, data, errors):
        """Add the model's own max-length message for every over-long value of the
        ``length_checked`` columns — the check ``full_clean`` makes, at the cost of a len()."""
        for key, limit in self._limits:
            value = data.get(key)
            if type(value) is str and len(value) > limit and key not in errors:
                try:
                    MaxLengthValidator(limit)(value)
                except ValidationError as exc:
                    errors[key] = " ".join(exc.messages)

    def clean_rows(self, table, plan):
        """[(row number, data)] of the rows whose columns are valid; the others rejected.
        The rows are checked as they are read (``Table.stream``)."""
        cleaned, step = [], max(table.expected // 20, 1000)
        for position, (number, raw) in enumerate(table.stream()):
            if position % step == 0 and table.expected:
                self.progress(min(position / table.expected, 1))
            data, errors = self.clean_row(raw)
            for key, message in errors.items():
                plan.reject(number, self.headers[key], self.shown(key, raw.get(key)), message)
            if errors:
                plan.raw[number] = raw  # for the error workbook
            else:
                cleaned.append((number, data))
        return cleaned

    def shown(self, key, raw):
        """The cell as listed with its error: ID numbers masked (page, API and job record)."""
        value = cleaning.text(raw)
        if key in self._masked and len(value) > 8:  # 18 characters: as mask_id_number masks
            kept = 6 if len(value) >= 18 else 4
            return value[:kept] + "*" * (len(value) - kept - 4) + value[-4:]
        return "***" if key in self._masked and value else value

    # --- the interface ----------------------------------------------------------------------

    @classmethod
    def template_columns(cls):
        """The columns of the ledger's template: ``columns``, with the drop-down lists of
        columns whose values come from a dictionary filled in (see ``WorkshopLedger``)."""
        return cls.columns

    def clean_row(self, raw):
        """({field: value}, {column key: message}) for one ledger row."""
        raise NotImplementedError

    def plan(self, table):
        """The :class:`Plan` of ``table``: every row validated and compared with the registry."""
        raise NotImplementedError

    def write(self, rows):
        """Write ``rows`` ((row number, action, data), action create or update)."""
        raise NotImplementedError

    def apply(self, plan, *, mode="all"):
        """Write the plan in one transaction. ``mode="all"``: nothing unless every row is
        valid; ``"valid"``: the valid rows."""
        if mode not in ("all", "valid"):
            raise ValueError(mode)
        if mode == "all" and plan.errors:
            return {**plan.counts, "created": 0, "updated": 0, "written": False}
        with transaction.atomic():
            # Two imports of one ledger write one after the other, the second seeing what the
            # first created (households and workshops are found by name when written).
            bulk.serialize(f"ledger:{self.key}")
            self.write([r for r in plan.rows if r[1] != "unchanged"])
        return {**plan.counts, "written": True}


def _as_uploaded(value):
    """A cell as it was in the file (text untouched, numbers as numbers, dates as ISO text)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return value


def write_error_workbook(target, ledger, table, plan, rows=None):
    """The rejected rows as in the file — every column with a header, under its header —
    plus their row number and an error column, to fix and upload again; ID and phone columns
    formatted as text, as in the template. ``rows``: (row number, row as read) in order, among
    them every rejected row (by default the table's kept rows)."""
    from bangfu.core.exports import write_xlsx

    messages = defaultdict(list)
    for error in plan.errors:
        messages[error.row].append(f"{error.column}：{error.message}")
    keys = [key for key, _header in table.headers]
    row, errors = ERROR_WORKBOOK_COLUMNS
    header = [row, *(text for _key, text in table.headers), errors]
    as_text = {c.key for c in ledger.columns if c.text_format}
    rows = (
        [number, *(_as_uploaded(raw.get(key)) for key in keys), "；".join(messages[number])]
        for number, raw in (table.stream() if rows is None else rows)
        if number in messages
    )
    text_columns = [position for position, key in enumerate(keys, start=1) if key in as_text]
    return write_xlsx(target, _("Rejected rows"), header, rows, text_columns=text_columns)
