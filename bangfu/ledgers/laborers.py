"""The households + laborers ledger (花名册): plan an import (validate every row, compare with
the registry), then apply it in one transaction — all rows or only the valid ones.

The same validation functions as the forms and the API (``core.identity``, the model choices,
the region scope); writes are bulk (no per-row save), keyed by the ID number's blind index, so
importing the same file twice changes nothing the second time.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.core import pii
from bangfu.core.identity import validate_id_number
from bangfu.labor.models import (
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
from bangfu.labor.services import pinyin_keys, prepare_identity
from bangfu.regions.models import Level, Region
from bangfu.stats.services import mark_dirty

from . import cleaning
from .columns import LABORERS

HEADERS = {column.key: column.header for column in LABORERS}
CHOICES = {
    "category": Category,
    "monitor_type": MonitorType,
    "risk_status": RiskStatus,
    "labor_ability": LaborAbility,
    "education": Education,
    "work_status": WorkStatus,
}
HOUSEHOLD_FIELDS = ("category", "monitor_type", "risk_status")
LABORER_FIELDS = (
    "name",
    "phone",
    "labor_ability",
    "education",
    "skills",
    "work_status",
    "work_intention",
)


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

    @property
    def counts(self):
        actions = [action for _row, action, _data in self.rows]
        return {
            "created": actions.count("create"),
            "updated": actions.count("update"),
            "unchanged": actions.count("unchanged"),
            "rejected": len(self.rejected_rows),
        }

    def error_dicts(self):
        return [e.__dict__ for e in sorted(self.errors, key=lambda e: (e.row, e.column))]


def _choice_map(choices):
    mapping = {}
    for value, label in choices.choices:
        mapping[cleaning.compact(value).lower()] = value
        mapping[cleaning.compact(label).lower()] = value
    return mapping


class Planner:
    def __init__(self, user):
        if not (user.has_perm("labor.add_laborer") and user.has_perm("labor.add_household")):
            raise PermissionDenied(_("You may not import households and laborers."))
        self.user = user
        villages = list(Region.objects.restrict(user).filter(level=Level.VILLAGE))
        self.by_code = {v.code: v for v in villages}
        self.by_name = defaultdict(list)
        for village in villages:
            for name in (village.name, *village.alias_list):
                self.by_name[cleaning.compact(name)].append(village)
        self.choice_maps = {key: _choice_map(choices) for key, choices in CHOICES.items()}

    def village(self, raw):
        value = cleaning.compact(raw)
        if value in self.by_code:
            return self.by_code[value]
        if value.isdigit() and len(value) == 12:
            raise ValueError(_("Village %(code)s is not in your data scope.") % {"code": value})
        matches = self.by_name.get(value, [])
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
        return matches[0]

    def choice(self, key, raw, required):
        value = cleaning.compact(raw).lower()
        if not value:
            if required:
                raise ValueError(_("This column is required."))
            return ""
        if value not in self.choice_maps[key]:
            labels = "、".join(str(label) for _v, label in CHOICES[key].choices)
            raise ValueError(
                _("“%(value)s” is not allowed; use one of: %(labels)s.")
                % {"value": cleaning.text(raw), "labels": labels}
            )
        return self.choice_maps[key][value]

    def clean_row(self, raw):
        """{field: value} and {column key: message} for one ledger row."""
        data, errors = {}, {}

        def take(key, fn):
            try:
                data[key] = fn(raw.get(key))
            except ValidationError as exc:
                errors[key] = " ".join(exc.messages)
            except ValueError as exc:
                errors[key] = str(exc)

        take("village", self.village)
        take("head_name", lambda v: _required(cleaning.text(v)))
        take("name", lambda v: _required(cleaning.text(v)))
        take("id_number", validate_id_number)
        take("phone", cleaning.compact)
        take("skills", cleaning.text)
        take("work_intention", cleaning.text)
        for key in CHOICES:
            required = next(c.required for c in LABORERS if c.key == key)
            take(key, lambda v, key=key, required=required: self.choice(key, v, required))
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
        cleaned, seen = [], defaultdict(list)
        for number, raw in table.rows:
            data, errors = self.clean_row(raw)
            for key, message in errors.items():
                plan.errors.append(
                    RowError(number, HEADERS[key], cleaning.text(raw.get(key)), message)
                )
            if errors:
                plan.rejected_rows.add(number)
                continue
            data["id_index"] = pii.blind_index(data["id_number"])
            seen[data["id_index"]].append(number)
            cleaned.append((number, data))
        duplicates = {index: rows for index, rows in seen.items() if len(rows) > 1}
        existing = {
            laborer.id_index: laborer
            for laborer in Laborer.objects.filter(id_index__in=list(seen)).select_related(
                "household"
            )
        }
        visible = set(
            Laborer.objects.restrict(self.user)
            .filter(id_index__in=list(existing))
            .values_list("id_index", flat=True)
        )
        for number, data in cleaned:
            index = data["id_index"]
            message = None
            if index in duplicates:
                message = _("The same person appears in rows %(rows)s.") % {
                    "rows": "、".join(map(str, duplicates[index]))
                }
            elif index in existing and index not in visible:
                message = _(
                    "This person is registered outside your data scope; ask the district office."
                )
            elif index in existing and not _same_household(existing[index].household, data):
                household = existing[index].household
                message = _(
                    "This person is registered in another household (head %(head)s, %(village)s)."
                ) % {"head": household.head_name, "village": household.region.name}
            if message:
                plan.errors.append(
                    RowError(number, HEADERS["id_number"], _masked(data["id_number"]), message)
                )
                plan.rejected_rows.add(number)
                continue
            laborer = existing.get(index)
            if laborer is None:
                action = "create"
            elif _differs(laborer, data):
                action = "update"
            else:
                action = "unchanged"
            plan.rows.append((number, action, data))
        return plan


def _required(value):
    if not value:
        raise ValueError(_("This column is required."))
    return value


def _masked(number):
    return number[:6] + "********" + number[-4:]


def _same_household(household, data):
    return household.region_id == data["village"].code and household.head_name == data["head_name"]


def _differs(laborer, data):
    household = laborer.household
    return any(getattr(laborer, f) != data[f] for f in LABORER_FIELDS) or any(
        getattr(household, f) != data[f] for f in HOUSEHOLD_FIELDS
    )


@transaction.atomic
def apply(user, plan, *, mode="all"):
    """Write the plan. ``mode="all"``: nothing unless every row is valid; ``"valid"``: the
    valid rows."""
    if mode not in ("all", "valid"):
        raise ValueError(mode)
    if mode == "all" and plan.errors:
        return {**plan.counts, "created": 0, "updated": 0, "written": False}
    rows = [(number, action, data) for number, action, data in plan.rows if action != "unchanged"]
    households = {
        (h.region_id, h.head_name): h
        for h in Household.objects.restrict(user, "change").filter(
            region_id__in={d["village"].code for _n, _a, d in rows},
            head_name__in={d["head_name"] for _n, _a, d in rows},
        )
    }
    new_households, changed_households = [], {}
    for _number, _action, data in rows:
        key = (data["village"].code, data["head_name"])
        household = households.get(key)
        if household is None:
            household = Household(
                region=data["village"], head_name=data["head_name"], members_count=1
            )
            households[key] = household
            new_households.append(household)
        for name in HOUSEHOLD_FIELDS:
            setattr(household, name, data[name])
        if household.pk:
            changed_households[household.pk] = household
    Household.objects.bulk_create(new_households)
    Household.objects.bulk_update(list(changed_households.values()), list(HOUSEHOLD_FIELDS))
    indexes = [d["id_index"] for _n, _a, d in rows]
    existing = {lab.id_index: lab for lab in Laborer.objects.filter(id_index__in=indexes)}
    creates, updates = [], []
    for _number, action, data in rows:
        household = households[(data["village"].code, data["head_name"])]
        laborer = existing.get(data["id_index"]) or Laborer(
            household=household, region_id=household.region_id
        )
        if action == "create":
            for name, value in prepare_identity(data["id_number"]).items():
                setattr(laborer, name, value)
            creates.append(laborer)
        else:
            updates.append(laborer)
        for name in LABORER_FIELDS:
            setattr(laborer, name, data[name])
        laborer.name_pinyin, laborer.name_initials = pinyin_keys(laborer.name)
    Laborer.objects.bulk_create(creates, batch_size=5000)
    Laborer.objects.bulk_update(
        updates, [*LABORER_FIELDS, "name_pinyin", "name_initials"], batch_size=5000
    )
    first = (
        Employment.objects.filter(laborer__in=updates)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    if first:
        mark_dirty(first)  # categories or birth-derived figures of employed people may have changed
    return {**plan.counts, "written": True}


def write_error_workbook(target, table, plan):
    """The rejected rows as in the file, plus their row number and an error column, to fix and
    upload again."""
    from bangfu.core.exports import write_xlsx

    messages = defaultdict(list)
    for error in plan.errors:
        messages[error.row].append(f"{error.column}：{error.message}")
    keys = list(table.columns)
    header = [_("Row"), *(HEADERS[key] for key in keys), _("Errors")]
    rows = (
        [number, *(cleaning.text(raw.get(key)) for key in keys), "；".join(messages[number])]
        for number, raw in table.rows
        if number in messages
    )
    return write_xlsx(target, _("Rejected rows"), header, rows)
