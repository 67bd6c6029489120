"""The households + laborers ledger (花名册), keyed by the ID number.

The same validation functions as the forms and the API (``core.identity``, the model choices,
the region scope); writes are bulk (no per-row save), keyed by the ID number's blind index, so
importing the same file twice changes nothing the second time.
"""

from collections import defaultdict

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
from bangfu.stats.services import mark_dirty

from . import cleaning
from .base import Ledger, Plan, required
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
LABORER_FIELDS = (
    "name",
    "phone",
    "labor_ability",
    "education",
    "skills",
    "work_status",
    "work_intention",
)


class LaborerLedger(Ledger):
    key = "laborers"
    title = _("Households and laborers (花名册)")
    columns = LABORERS
    permissions = ("labor.add_laborer", "labor.add_household", "labor.change_laborer")
    choices = CHOICES

    def clean_row(self, raw):
        data, errors, take = self.cleaner(raw)
        take("village", self.village)
        take("head_name", lambda v: required(cleaning.text(v)))
        take("name", lambda v: required(cleaning.text(v)))
        take("id_number", validate_id_number)
        take("phone", cleaning.compact)
        take("skills", cleaning.text)
        take("work_intention", cleaning.text)
        self.take_choices(take)
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
        for number, data in self.clean_rows(table, plan):
            data["id_index"] = pii.blind_index(data["id_number"])
            seen[data["id_index"]].append(number)
            cleaned.append((number, data))
        duplicates = {index: rows for index, rows in seen.items() if len(rows) > 1}
        existing = self.existing(list(seen))
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
            elif index in existing and not _same_household(existing[index], data):
                current = existing[index]
                message = _(
                    "This person is registered in another household (head %(head)s, %(village)s)."
                ) % {"head": current["household__head_name"], "village": current["region__name"]}
            if message:
                plan.reject(number, self.headers["id_number"], _masked(data["id_number"]), message)
                continue
            current = existing.get(index)
            if current is None:
                action = "create"
            elif _differs(current, data):
                action = "update"
            else:
                action = "unchanged"
            plan.rows.append((number, action, data))
        return plan

    def existing(self, indexes):
        """{blind index: current values} of the registered laborers among ``indexes``."""
        fields = (
            "id_index",
            "household__region_id",
            "household__head_name",
            "region__name",
            *LABORER_FIELDS,
            *(f"household__{name}" for name in HOUSEHOLD_FIELDS),
        )
        found = {}
        for start in range(0, len(indexes), 20_000):
            chunk = indexes[start : start + 20_000]
            for values in Laborer.objects.filter(id_index__in=chunk).values(*fields):
                found[values["id_index"]] = values
        return found

    def write(self, rows):
        households = self.households(rows)
        indexes = [d["id_index"] for _n, _a, d in rows]
        ids = (
            dict(Laborer.objects.filter(id_index__in=indexes).values_list("id_index", "pk"))
            if indexes
            else {}
        )
        creates, updates = [], []
        for _number, action, data in rows:
            household = households[(data["village"].code, data["head_name"])]
            laborer = Laborer(
                pk=ids.get(data["id_index"]), household=household, region_id=household.region_id
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
            Employment.objects.filter(laborer__in=[u.pk for u in updates])
            .order_by("start_date")
            .values_list("start_date", flat=True)
            .first()
        )
        if first:
            mark_dirty(first)  # categories or birth-derived figures of employed people changed

    def households(self, rows):
        """(village code, head name) → Household for every row, created or updated as needed."""
        households = {
            (h.region_id, h.head_name): h
            for h in Household.objects.restrict(self.user, "change").filter(
                region_id__in={d["village"].code for _n, _a, d in rows},
                head_name__in={d["head_name"] for _n, _a, d in rows},
            )
        }
        new, changed = [], {}
        for _number, _action, data in rows:
            key = (data["village"].code, data["head_name"])
            household = households.get(key)
            if household is None:
                household = Household(
                    region=data["village"], head_name=data["head_name"], members_count=1
                )
                households[key] = household
                new.append(household)
            for name in HOUSEHOLD_FIELDS:
                setattr(household, name, data[name])
            if household.pk:
                changed[household.pk] = household
        Household.objects.bulk_create(new)
        Household.objects.bulk_update(list(changed.values()), list(HOUSEHOLD_FIELDS))
        return households


def _masked(number):
    return number[:6] + "********" + number[-4:]


def _same_household(current, data):
    return (
        current["household__region_id"] == data["village"].code
        and current["household__head_name"] == data["head_name"]
    )


def _differs(current, data):
    return any(current[f] != data[f] for f in LABORER_FIELDS) or any(
        current[f"household__{f}"] != data[f] for f in HOUSEHOLD_FIELDS
    )
