"""The households + laborers ledger (花名册), keyed by the ID number.

The same validation functions as the forms and the API (``core.identity``, the model choices,
the region scope); writes are bulk (no per-row save), keyed by the ID number's blind index, so
importing the same file twice changes nothing the second time.
"""

from collections import defaultdict
from operator import attrgetter, itemgetter

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bangfu.core import bulk, pii
from bangfu.core.identity import validate_id_number
from bangfu.labor.models import (
    MAX_MEMBERS,
    Category,
    Education,
    Employment,
    Household,
    LaborAbility,
    Laborer,
    MonitorType,
    RiskStatus,
    WorkStatus,
)
from bangfu.labor.services import identity_fields, pinyin_keys
from bangfu.stats.services import mark_dirty

from . import cleaning
from .base import Ledger, Plan, disagreements, required_text, row_list
from .columns import LABORERS

CHOICES = {
    "category": Category,
    "monitor_type": MonitorType,
    "risk_status": RiskStatus,
    "labor_ability": LaborAbility,
    "education": Education,
    "work_status": WorkStatus,
}
HOUSEHOLD_FIELDS = ("category", "monitor_type", "risk_status")
HOUSEHOLD_VALUES = itemgetter(*HOUSEHOLD_FIELDS)  # a row's values of its household's columns
OPTIONAL_FIELDS = ("phone", "education", "skills", "work_intention")
NOTED_ROWS = 20  # row numbers named in a note
CHUNK = 20_000  # rows compared with the registry per query (SQLite allows 32,766 parameters)
IDENTITY_FIELDS = ("id_cipher", "id_index", "id_masked", "gender", "birth_date")
LABORER_FIELDS = (
    "name",
    "phone",
    "labor_ability",
    "education",
    "skills",
    "work_status",
    "work_intention",
)
# what an import may change, as registered (``registry()``) and as in the file (cleaned rows)
REGISTERED_VALUES = attrgetter(*LABORER_FIELDS, *(f"household__{f}" for f in HOUSEHOLD_FIELDS))
FILE_VALUES = itemgetter(*LABORER_FIELDS, *HOUSEHOLD_FIELDS)
LABORER_COLUMNS = (
    "household_id",
    "region_id",
    *LABORER_FIELDS,
    "name_pinyin",
    "name_initials",
    *IDENTITY_FIELDS,
    "is_active",
    "created_at",
)


class LaborerLedger(Ledger):
    key = "laborers"
    title = gettext_lazy("Households and laborers (花名册)")
    columns = LABORERS
    permissions = ("labor.add_laborer", "labor.add_household", "labor.change_laborer")
    choices = CHOICES
    length_checked = (
        *((Laborer, name, name) for name in ("name", "phone", "skills", "work_intention")),
        (Household, "head_name", "head_name"),
    )

    def clean_row(self, raw):
        data, errors, take = self.cleaner(raw)
        take("village", self.village)
        take("head_name", required_text)
        take("name", required_text)
        take("id_number", validate_id_number)
        take("phone", cleaning.phone)
        data["skills"] = cleaning.text(raw.get("skills"))
        data["work_intention"] = cleaning.text(raw.get("work_intention"))
        self.take_choices(raw, data, errors)
        self.check_lengths(data, errors)
        if data.get("category") == Category.MONITORED and not (
            data.get("monitor_type") and data.get("risk_status")
        ):
            errors["monitor_type"] = _(
                "A monitored household needs its monitoring type and risk status."
            )
        elif data.get("category") and data.get("category") != Category.MONITORED:
            data["monitor_type"] = data["risk_status"] = ""
        return data, errors

    def plan(self, table):
        plan = Plan()
        cleaned, first_row, duplicates = [], {}, defaultdict(list)
        households, disagreeing = {}, set()  # household → its first row's values; those differing
        for number, data in self.clean_rows(table, plan):
            index = data["id_index"] = pii.blind_index(data["id_number"])
            if index in first_row:
                duplicates[index].append(number)
            else:
                first_row[index] = number
            values = HOUSEHOLD_VALUES(data)
            if households.setdefault(household_of(data), values) != values:
                disagreeing.add(household_of(data))
            cleaned.append((number, data))
        del households
        for index, rows in duplicates.items():
            rows.insert(0, first_row[index])
        if disagreeing:
            cleaned = self.reject_disagreeing(plan, cleaned, disagreeing)
        # optional columns the file does not have keep the registered values
        self.absent = [key for key in OPTIONAL_FIELDS if key not in table.columns]
        self.ambiguous = self.ambiguous_households({d["village"].code for _n, d in cleaned})
        # The registry is read once, in blind-index order, beside the file sorted the same way
        # (the whole table, or the rows of the file's staged keys: bulk.among), a chunk at a
        # time — one pass instead of thousands of IN lists.
        cleaned.sort(key=lambda item: item[1]["id_index"])
        with bulk.among(Laborer, "id_index", first_row) as among:  # the file's distinct keys
            registry = Merge(self.registry(among), key=attrgetter("id_index"))
            visible = Merge(
                bulk.in_key_order(Laborer.objects.restrict(self.user).filter(among), "id_index")
                .values_list("id_index", flat=True)
                .iterator(chunk_size=CHUNK),
                key=str,
            )
            kept_at_work = []  # rows whose work status the roster keeps
            try:
                for start in range(0, len(cleaned), CHUNK):
                    chunk = cleaned[start : start + CHUNK]
                    last = chunk[-1][1]["id_index"]
                    existing = {values.id_index: values for values in registry.upto(last)}
                    kept_at_work += self.classify(
                        plan, chunk, duplicates, existing, set(visible.upto(last))
                    )
            finally:  # their cursors closed before the staged keys are dropped
                registry.close()
                visible.close()
        if kept_at_work:
            rows = sorted(kept_at_work)
            shown = row_list(rows[:NOTED_ROWS]) + ("…" if len(rows) > NOTED_ROWS else "")
            plan.notes.append(
                ngettext(
                    "Row %(rows)s gives another work status to a person employed at a workshop "
                    "now: it stays “Employed at an assistance workshop” until the roster "
                    "records the leaving.",
                    "Rows %(rows)s (%(n)s) give another work status to people employed at a "
                    "workshop now: it stays “Employed at an assistance workshop” until the "
                    "roster records their leaving.",
                    len(rows),
                )
                % {"rows": shown, "n": len(rows)}
            )
        return plan

    def reject_disagreeing(self, plan, cleaned, households):
        """Reject the rows of ``households`` (see ``household_of``) whose rows give the
        household different categories; the other rows of ``cleaned``."""
        rows = defaultdict(list)
        for number, data in cleaned:
            if household_of(data) in households:
                rows[household_of(data)].append((number, data))
        for entries in rows.values():
            for key, values in disagreements(entries, HOUSEHOLD_FIELDS):
                message = _(
                    "Rows %(rows)s of the household of %(head)s give it different values here "
                    "(%(values)s); write them the same way in every row of the household."
                ) % {
                    "rows": row_list(number for number, _data in entries),
                    "head": entries[0][1]["head_name"],
                    "values": "、".join(_label(key, value) for value in values),
                }
                for number, data in entries:
                    plan.reject(number, self.headers[key], _label(key, data[key]), message)
        return [item for item in cleaned if household_of(item[1]) not in households]

    def registry(self, among):
        """The registered laborers ``among`` the file's (a filter, which may let others
        through: ``classify`` looks up only the file's keys) with their households' village,
        head and categories, in blind-index order (named tuples, streamed)."""
        fields = (
            "id_index",
            "household_id",
            *LABORER_FIELDS,
            "household__region_id",
            "household__head_name",
            "household__region__name",
            *(f"household__{name}" for name in HOUSEHOLD_FIELDS),
        )
        rows = bulk.in_key_order(Laborer.objects.filter(among), "id_index")
        return rows.values_list(*fields, named=True).iterator(chunk_size=CHUNK)

    def classify(self, plan, chunk, duplicates, existing, visible):
        """Compare cleaned rows with their registered laborers (``existing``, of which the
        importer may see ``visible``): create, update, unchanged or rejected; the numbers of
        the rows whose work status was kept (see ``at_workshops``)."""
        kept = []
        at_work = self.at_workshops(chunk, existing)
        for number, data in chunk:
            index = data["id_index"]
            current = existing.get(index)

            message = None
            if index in duplicates:
                message = _("The same person appears in rows %(rows)s.") % {
                    "rows": row_list(duplicates[index])
                }
            elif self.ambiguous and household_of(data) in self.ambiguous:
                plan.reject(
                    number,
                    self.headers["head_name"],
                    data["head_name"],
                    _(
                        "Several households of %(village)s have this head; the ledger cannot "
                        "tell them apart. Register this person on the household's page."
                    )
                    % {"village": data["village"].name},
                )
                continue
            elif current and index not in visible:
                message = _(
                    "This person is registered outside your data scope; ask the district office."
                )
            elif current and (current.household__region_id, current.household__head_name) != (
                data["village"].code,
                data["head_name"],
            ):
                message = _(
                    "This person is registered in another household (head %(head)s, %(village)s)."
                ) % {
                    "head": current.household__head_name,
                    "village": current.household__region__name,
                }
            if message:
                plan.reject(number, self.headers["id_number"], _masked(data["id_number"]), message)
                continue
            for key in self.absent if current else ():
                data[key] = getattr(current, key)
            if index in at_work:  # the roster decides: until it records their leaving
                data["work_status"] = WorkStatus.WORKSHOP
                kept.append(number)
            if current is None:
                action = "create"
            elif REGISTERED_VALUES(current) != FILE_VALUES(data):
                action = "update"
            else:
                action = "unchanged"
            plan.rows.append((number, action, None if action == "unchanged" else data))
        return kept

    @staticmethod
    def at_workshops(chunk, existing):
        """Blind indexes of the rows' people employed at a workshop now (an open employment,
        which hire and the roster mark with that work status) whom the row gives another."""
        if not existing:  # none of these people registered (a first load): none employed
            return set()
        others = [
            data["id_index"]
            for _number, data in chunk
            if data["work_status"] != WorkStatus.WORKSHOP
            and getattr(existing.get(data["id_index"]), "work_status", None) == WorkStatus.WORKSHOP
        ]
        return set(
            Employment.objects.filter(laborer__id_index__in=others, end_date__isnull=True)
            .values_list("laborer__id_index", flat=True)
            .distinct()
            if others
            else ()
        )

    def ambiguous_households(self, villages):
        """(village, head name) pairs shared by several households in the importer's scope:
        rows naming them cannot be placed (a ledger names a household by its head)."""
        return set(
            Household.objects.restrict(self.user)
            .filter(region_id__in=villages)
            .values("region_id", "head_name")
            .annotate(households=Count("id"))
            .filter(households__gt=1)
            .order_by()
            .values_list("region_id", "head_name")
        )

    def write(self, rows):
        """Households first (new ones with allocated ids), then the laborers: new people
        inserted (COPY on PostgreSQL, while the rows are still being built), changed ones in
        one set-based upsert keyed by the blind index."""
        households, changed_households = self.households(rows)
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # once, not per row
        laborer_values, identity_values = itemgetter(*LABORER_FIELDS), itemgetter(*IDENTITY_FIELDS)

        # plan rows are in blind-index order: the unique index grows at its end
        def laborer_rows(datas):
            for data in datas:
                household_id, region_id = households[household_of(data)]
                identity = identity_fields(data["id_number"], data["id_index"])  # kept on update
                yield (
                    household_id,
                    region_id,
                    *laborer_values(data),
                    *pinyin_keys(data["name"]),
                    *identity_values(identity),
                    True,
                    now,
                )

        new, changed = [], []
        for _number, action, data in rows:
            (new if action == "create" else changed).append(data)
        # A person registered by someone else since the check fails the insert (the unique
        # blind index) and with it the whole import: nothing is written, the job says why.
        with bulk.indexes_rebuilt(Laborer, len(new)):
            bulk.insert(Laborer, LABORER_COLUMNS, laborer_rows(new))
        bulk.upsert(
            Laborer,
            LABORER_COLUMNS,
            laborer_rows(changed),
            key="id_index",
            update=(*LABORER_FIELDS, "name_pinyin", "name_initials"),
            only_if_same="household_id",  # never move someone registered meanwhile elsewhere
        )
        updated = [data["id_index"] for data in changed]
        self.mark_employed_dirty(updated, changed_households)

    @staticmethod
    def mark_employed_dirty(indexes, household_ids):
        """Figures count employed people by household category: recompute from the earliest
        employment of the updated laborers and of everyone in a recategorized household."""
        starts = [
            Employment.objects.filter(**{lookup: chunk}).aggregate(first=Min("start_date"))["first"]
            for values, lookup in (
                (indexes, "laborer__id_index__in"),
                (household_ids, "laborer__household_id__in"),
            )
            for chunk in (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))
        ]
        if starts := [start for start in starts if start]:
            mark_dirty(min(starts))

    def households(self, rows):
        """({(village code, head name): (household id, village code)} for every row, ids of
        the households whose category changed); new households inserted (their size: the
        number of their rows), changed categories updated."""
        wanted, members = {}, defaultdict(int)
        for _number, _action, data in rows:
            key = household_of(data)
            wanted[key] = HOUSEHOLD_VALUES(data)
            members[key] += 1
        current = {
            (h["region_id"], h["head_name"]): h
            for h in Household.objects.restrict(self.user, "change")
            .filter(region_id__in={village for village, _head in wanted})
            .values("pk", "region_id", "head_name", *HOUSEHOLD_FIELDS)
        }
        new = [key for key in wanted if key not in current]
        ids = bulk.allocate_ids(Household, len(new))
        now = timezone.now()
        with bulk.indexes_rebuilt(Household, len(new)):
            bulk.insert(
                Household,
                ("id", "region_id", "head_name", *HOUSEHOLD_FIELDS, "members_count", "address")
                + ("is_active", "created_at"),
                (
                    (pk, *key, *wanted[key], min(members[key], MAX_MEMBERS), "", True, now)
                    for pk, key in zip(ids, new, strict=True)
                ),
            )
        changed = [
            Household(pk=current[key]["pk"], **dict(zip(HOUSEHOLD_FIELDS, values, strict=True)))
            for key, values in wanted.items()
            if key in current and values != tuple(current[key][name] for name in HOUSEHOLD_FIELDS)
        ]
        Household.objects.bulk_update(changed, list(HOUSEHOLD_FIELDS), batch_size=2000)
        result = {key: (current[key]["pk"], key[0]) for key in wanted if key in current}
        result.update({key: (pk, key[0]) for pk, key in zip(ids, new, strict=True)})
        return result, [household.pk for household in changed]


class Merge:
    """Rows of a sorted stream handed out up to a key, for merging with sorted chunks."""

    def __init__(self, rows, key):
        self.rows, self.key = iter(rows), key
        self.head = next(self.rows, None)

    def upto(self, last):
        """The rows whose key is at most ``last`` not handed out yet."""
        while self.head is not None and self.key(self.head) <= last:
            yield self.head
            self.head = next(self.rows, None)

    def close(self):
        """Stop the stream early (its database cursor is closed)."""
        getattr(self.rows, "close", lambda: None)()


def household_of(data):
    """The household a cleaned row names: (village code, head name)."""
    return data["village"].code, data["head_name"]


def _label(key, value):
    """A household column's value as the ledger writes it."""
    return str(CHOICES[key](value).label) if value else _("(blank)")


def _masked(number):
    return number[:6] + "********" + number[-4:]
