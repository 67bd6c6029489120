"""The workshop ledger (车间台账: each workshop with the enterprise that runs it) and the
positions ledger (岗位台账).

Same validation as the forms and services: the credit code through ``core.identity``, the
model choices, the field lengths and digits of the models (``clean_fields``), the positions'
rules of ``workshops.services`` (``position_rule_errors``, with messages saying how to fix the
row), the data scope of ``restrict``. New workshops start as applications built by
``services.new_application``, as ``services.apply`` does, with their first status-history row;
a workshop moved to another village takes its records along through ``services.move_records``,
as ``services.update_workshop`` does. The ledger never recognizes, watches or removes a
workshop.

Optional columns left out of the file keep the registered values of existing records (a
ledger without a wage column does not erase the wages); a column present but empty clears
the value. Writes are bulk, so importing the same file twice changes nothing the second time.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core.identity import validate_uscc
from bangfu.stats.kpis import BREAKDOWNS
from bangfu.stats.services import mark_dirty
from bangfu.workshops.models import (
    CreationMode,
    Enterprise,
    Industry,
    Position,
    SiteType,
    StatusChange,
    Workshop,
    WorkshopType,
)
from bangfu.workshops.services import (
    check_type_in_use,
    mark_workshops_dirty,
    move_records,
    new_application,
    position_rule_errors,
)

from . import cleaning
from .base import Ledger, Plan, WorkshopNotFound, disagreements, required, row_list
from .columns import choices, phone_column
from .reader import Column

USCC_ALIASES = ("信用代码", "社会信用代码", "统一代码", "企业信用代码", "USCC")

WORKSHOP_COLUMNS = (
    Column(
        "enterprise_name",
        "企业名称",
        ("企业", "经营主体", "经营主体名称", "企业（合作社）名称", "公司名称", "主体名称"),
        True,
        gettext_lazy("The company or cooperative running the workshop, as registered."),
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        USCC_ALIASES,
        True,
        gettext_lazy("18 characters, formatted as text; the enterprise is found by this code."),
        text_format=True,
    ),
    Column(
        "legal_representative",
        "法定代表人",
        ("法人", "法人代表", "法定代表人姓名"),
        True,
        gettext_lazy("As on the business licence."),
    ),
    Column(
        "contact_person",
        "联系人",
        ("联系人姓名", "企业联系人"),
        False,
        gettext_lazy("The enterprise's contact person."),
    ),
    phone_column("contact_phone"),
    Column(
        "name",
        "车间名称",
        ("车间", "帮扶车间名称", "就业帮扶车间名称", "扶贫车间名称", "车间全称"),
        True,
        gettext_lazy("Together with the credit code, identifies the workshop."),
    ),
    Column(
        "village",
        "所在村（社区）",
        ("村", "村名", "村代码", "所在村", "村（社区）", "行政村", "所在地"),
        True,
        gettext_lazy("Village name or its 12-digit code, inside your data scope."),
    ),
    Column(
        "site_type",
        "场地类型",
        ("选址类型", "所在地类型", "车间场地类型"),
        True,
        gettext_lazy("One of the listed values."),
        choices(SiteType),
    ),
    Column(
        "creation_mode",
        "创办模式",
        ("创建模式", "创建方式", "组建方式", "创办方式"),
        True,
        gettext_lazy("One of the listed values."),
        choices(CreationMode),
    ),
    Column(
        "workshop_type",
        "车间类型",
        ("车间形式", "类型"),
        True,
        gettext_lazy("A workshop type of the dictionary, by name or code (for example 厂房式)."),
    ),
    Column(
        "industry",
        "行业",
        ("所属行业", "产业类型", "行业类别", "产业"),
        True,
        gettext_lazy("One of the listed values."),
        choices(Industry),
    ),
    Column(
        "address",
        "地址",
        ("车间地址", "详细地址", "地点"),
        False,
        gettext_lazy("Where the workshop is."),
    ),
    Column(
        "floor_area",
        "场地面积（㎡）",
        ("场地面积", "面积", "场地面积(平方米)", "场地面积（平方米）", "面积（㎡）", "建筑面积"),
        True,
        gettext_lazy("Square metres, at most one decimal; 0 for home-work workshops."),
    ),
    Column(
        "opened_on",
        "开办日期",
        ("开办时间", "成立日期", "投产日期", "创办时间", "开工日期"),
        False,
        gettext_lazy("A date such as 2023-05-01."),
    ),
)

POSITION_COLUMNS = (
    Column(
        "workshop",
        "车间名称",
        ("车间", "所属车间", "帮扶车间名称", "就业帮扶车间名称", "扶贫车间名称"),
        True,
        gettext_lazy("A workshop in your data scope (operators: one of their own workshops)."),
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        USCC_ALIASES,
        False,
        gettext_lazy("Only needed when two workshops in your scope have the same name."),
        text_format=True,
    ),
    Column("title", "岗位名称", ("岗位", "招聘岗位", "工种"), True, gettext_lazy("The job.")),
    Column(
        "headcount",
        "招聘人数",
        ("岗位数", "需求人数", "人数", "招聘数量", "岗位数量", "用工人数"),
        True,
        gettext_lazy("A whole number, at least 1."),
    ),
    Column(
        "wage_min",
        "月工资下限（元）",
        ("月工资下限", "工资下限", "最低工资", "最低月工资", "月薪下限"),
        False,
        gettext_lazy("Yuan per month."),
    ),
    Column(
        "wage_max",
        "月工资上限（元）",
        ("月工资上限", "工资上限", "最高工资", "最高月工资", "月薪上限"),
        False,
        gettext_lazy("Yuan per month, not below the minimum."),
    ),
    Column(
        "requirements",
        "岗位要求",
        ("任职要求", "招聘条件", "要求", "岗位条件"),
        False,
        gettext_lazy("Skills, age or other conditions."),
    ),
    Column(
        "posted_on",
        "发布日期",
        ("发布时间", "开发日期", "岗位开发日期"),
        True,
        gettext_lazy("With the workshop and the title, identifies the position."),
    ),
    Column(
        "closed_on",
        "截止日期",
        ("截止时间", "关闭日期", "结束日期"),
        False,
        gettext_lazy("Empty while the position is open; not before the posting date."),
    ),
)

# Words real ledgers use for the model choices besides their labels and codes.
SYNONYMS = {
    "site_type": {
        SiteType.VILLAGE: ("村", "村级", "脱贫村", "行政村", "重点帮扶村"),
        SiteType.RELOCATION: ("安置点", "搬迁安置点", "易地搬迁安置点", "易地扶贫搬迁安置点"),
        SiteType.INDUSTRIAL_PARK: ("园区", "工业园", "产业园", "产业园区", "工业集中区"),
    },
}

ENTERPRISE_FIELDS = {  # column key → Enterprise field, compared and updated
    "enterprise_name": "name",
    "legal_representative": "legal_representative",
    "contact_person": "contact_person",
    "contact_phone": "contact_phone",
}
WORKSHOP_FIELDS = (
    "name",
    "region_id",
    "site_type",
    "creation_mode",
    "workshop_type_id",
    "industry",
    "address",
    "floor_area",
    "opened_on",
)
WORKSHOP_OPTIONAL = {"address": "address", "opened_on": "opened_on"}  # column key → field
POSITION_FIELDS = ("title", "headcount", "wage_min", "wage_max", "requirements", "closed_on")
POSITION_OPTIONAL = ("wage_min", "wage_max", "requirements", "closed_on")


def _text(value):
    return required(cleaning.text(value))


def _area(value):
    """Square metres from a number or text like 150, 150.5㎡ or 150平方米."""
    if isinstance(value, str):
        value = cleaning.compact(value).lower()
        for unit in ("平方米", "平米", "m2", "㎡"):
            value = value.removesuffix(unit)
    try:
        area = required(cleaning.money(value))
    except ValueError as exc:
        if cleaning.text(value) == "":
            raise
        raise ValueError(
            _("“%(value)s” is not an area; write the square metres as a number such as 150.")
            % {"value": cleaning.text(value)}
        ) from exc
    tenth = area.quantize(Decimal("0.1"))
    return tenth if tenth == area else area  # more decimals: the model's digits check reports it


def _headcount(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = cleaning.compact(value).removesuffix("人").removesuffix("个")
    if not raw:
        raise ValueError(_("This column is required."))
    if not raw.lstrip("-").isdigit():
        raise ValueError(
            _("“%(value)s” is not a whole number of people; write a number such as 10.")
            % {"value": cleaning.text(value)}
        )
    return int(raw)


def _optional_uscc(value):
    return validate_uscc(value) if cleaning.compact(value) else ""


def _field_errors(instance, values, keys):
    """{column key: message} of the model's own field checks (lengths, digits) of ``values``;
    ``keys`` maps the fields back to their columns."""
    exclude = [f.name for f in instance._meta.fields if f.name not in values]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        return {keys[name]: " ".join(messages) for name, messages in exc.message_dict.items()}
    return {}


class SynonymLedger(Ledger):
    """A ledger that also accepts the usual synonyms of the model choices."""

    def __init__(self, user):
        super().__init__(user)
        for key, synonyms in SYNONYMS.items():
            if key in self.choice_maps:
                for value, names in synonyms.items():
                    for name in names:
                        self.choice_maps[key].setdefault(cleaning.compact(name).lower(), value)


class WorkshopLedger(SynonymLedger):
    key = "workshops"
    title = gettext_lazy("Workshops (车间台账)")
    columns = WORKSHOP_COLUMNS
    permissions = (
        "workshops.add_enterprise",
        "workshops.change_enterprise",
        "workshops.add_workshop",
        "workshops.change_workshop",
    )
    choices = {"site_type": SiteType, "creation_mode": CreationMode, "industry": Industry}

    def __init__(self, user):
        super().__init__(user)
        self._types = None

    @classmethod
    def template_columns(cls):
        """The workshop types in force as the 车间类型 column's drop-down list."""
        types = tuple(WorkshopType.objects.filter(is_active=True).values_list("code", "name"))
        return tuple(
            dataclasses.replace(column, choices=types) if column.key == "workshop_type" else column
            for column in cls.columns
        )

    def workshop_type(self, raw):
        """The workshop type named or coded ``raw`` (``厂房`` also finds ``厂房式``)."""
        if self._types is None:
            self._types = {}
            for kind in WorkshopType.objects.all():
                for name in (kind.code, kind.name, kind.name.removesuffix("式")):
                    self._types.setdefault(cleaning.compact(name).lower(), kind)
        value = cleaning.compact(raw).lower()
        if not value:
            raise ValueError(_("This column is required."))
        if value not in self._types:
            names = "、".join(sorted({t.name for t in self._types.values()}))
            raise ValueError(
                _("“%(value)s” is not a workshop type; use one of: %(names)s.")
                % {"value": cleaning.text(raw), "names": names}
            )
        return self._types[value]

    def clean_row(self, raw):
        data, errors, take = self.cleaner(raw)
        take("enterprise_name", _text)
        take("uscc", validate_uscc)
        take("legal_representative", _text)
        take("contact_person", cleaning.text)
        take("contact_phone", cleaning.phone)
        take("name", _text)
        take("village", self.village)
        take("workshop_type", self.workshop_type)
        take("address", cleaning.text)
        take("floor_area", _area)
        take("opened_on", cleaning.date)
        self.take_choices(raw, data, errors)
        checks = (
            (Enterprise, {**ENTERPRISE_FIELDS, "uscc": "uscc"}),
            (Workshop, {"name": "name", "address": "address", "floor_area": "floor_area"}),
        )
        for model, fields in checks:
            values = {field: data[key] for key, field in fields.items() if key in data}
            keys = {field: key for key, field in fields.items()}
            for key, message in _field_errors(model(**values), values, keys).items():
                errors.setdefault(key, message)
        return data, errors

    def plan(self, table):
        plan = Plan()
        cleaned = self.clean_rows(table, plan)
        problems = defaultdict(list)  # row → [(column key, message)]
        by_workshop, by_uscc = defaultdict(list), defaultdict(list)
        for number, data in cleaned:
            data["key"] = (data["uscc"], cleaning.compact(data["name"]))
            by_workshop[data["key"]].append(number)
            by_uscc[data["uscc"]].append((number, data))
        for entries in by_uscc.values():
            for key, values in disagreements(entries, ENTERPRISE_FIELDS):
                message = _(
                    "Rows %(rows)s give the enterprise with this credit code different "
                    "values here (%(values)s); write it the same way in every row."
                ) % {"rows": row_list(n for n, _d in entries), "values": "、".join(values)}
                for number, _data in entries:
                    problems[number].append((key, message))
        for numbers in by_workshop.values():
            if len(numbers) > 1:
                message = _(
                    "The same workshop of this enterprise appears in rows %(rows)s; keep one row."
                ) % {"rows": row_list(numbers)}
                for number in numbers:
                    problems[number].append(("name", message))

        usccs = list(by_uscc)
        enterprises = {
            e["uscc"]: e
            for e in Enterprise.objects.filter(uscc__in=usccs).values(
                "uscc", *ENTERPRISE_FIELDS.values()
            )
        }
        enterprises_in_scope = set(
            Enterprise.objects.restrict(self.user, "change")
            .filter(uscc__in=usccs)
            .values_list("uscc", flat=True)
        )
        workshops = defaultdict(list)
        for values in Workshop.objects.filter(enterprise__uscc__in=usccs).values(
            "pk", "enterprise__uscc", *WORKSHOP_FIELDS
        ):
            workshops[(values["enterprise__uscc"], cleaning.compact(values["name"]))].append(values)
        workshops_in_scope = set(
            Workshop.objects.restrict(self.user, "change")
            .filter(enterprise__uscc__in=usccs)
            .values_list("pk", flat=True)
        )

        for number, data in cleaned:
            enterprise = enterprises.get(data["uscc"])
            found = workshops.get(data["key"], [])
            if enterprise and data["uscc"] not in enterprises_in_scope:
                problems[number].append(
                    (
                        "uscc",
                        _(
                            "This credit code belongs to %(name)s, registered outside your "
                            "data scope; ask the district office to import this row."
                        )
                        % {"name": enterprise["name"]},
                    )
                )
            if len(found) > 1:
                problems[number].append(
                    (
                        "name",
                        _(
                            "Several workshops of this enterprise are registered under this "
                            "name; rename or merge them in the registry first."
                        ),
                    )
                )
            elif found and found[0]["pk"] not in workshops_in_scope:
                problems[number].append(
                    (
                        "name",
                        _(
                            "This workshop is registered outside your data scope; ask the "
                            "district office to import this row."
                        ),
                    )
                )
            current = found[0] if len(found) == 1 else None
            try:  # a retired type stays on the workshops that have it, and only there
                check_type_in_use(data["workshop_type"], current and current["workshop_type_id"])
            except ValidationError as exc:
                problems[number].append(("workshop_type", " ".join(exc.messages)))
            if problems[number]:
                for key, message in problems[number]:
                    plan.reject(number, self.headers[key], self._shown(data, key), message)
                continue
            self._keep_absent(data, table.columns, enterprise, current)
            data["enterprise"] = {field: data[key] for key, field in ENTERPRISE_FIELDS.items()}
            data["workshop"] = {
                "name": data["name"],
                "region_id": data["village"].code,
                "site_type": data["site_type"],
                "creation_mode": data["creation_mode"],
                "workshop_type_id": data["workshop_type"].pk,
                "industry": data["industry"],
                "address": data["address"],
                "floor_area": data["floor_area"],
                "opened_on": data["opened_on"],
            }
            if current is None:
                action = "create"
            elif _differs(current, data["workshop"]) or _differs(enterprise, data["enterprise"]):
                action = "update"
            else:
                action = "unchanged"
            plan.rows.append((number, action, data))
        return plan

    @staticmethod
    def _shown(data, key):
        value = data.get(key)
        return cleaning.text(getattr(value, "name", value))

    @staticmethod
    def _keep_absent(data, present, enterprise, workshop):
        """Optional columns missing from the file keep the registered values."""
        for key, field in ENTERPRISE_FIELDS.items():
            if key not in present and enterprise:
                data[key] = enterprise[field]
        for key, field in WORKSHOP_OPTIONAL.items():
            if key not in present and workshop:
                data[key] = workshop[field]

    def write(self, rows):
        if not rows:
            return
        today = datetime.date.today()
        enterprises = {
            e.uscc: e for e in Enterprise.objects.filter(uscc__in={d["uscc"] for _n, _a, d in rows})
        }
        new, changed = [], {}
        for _number, _action, data in rows:
            enterprise = enterprises.get(data["uscc"])
            if enterprise is None:  # located where its first workshop of the file is
                enterprise = Enterprise(
                    uscc=data["uscc"],
                    industry=data["industry"],
                    region=data["village"],
                    address=data["address"],
                    **data["enterprise"],
                )
                enterprises[data["uscc"]] = enterprise
                new.append(enterprise)
            elif _differs(enterprise, data["enterprise"], getattr):
                for field, value in data["enterprise"].items():
                    setattr(enterprise, field, value)
                changed[enterprise.pk] = enterprise
        Enterprise.objects.bulk_create(new)
        Enterprise.objects.bulk_update(list(changed.values()), list(ENTERPRISE_FIELDS.values()))

        usccs = {e.pk: uscc for uscc, e in enterprises.items()}
        existing = {
            (usccs[w.enterprise_id], cleaning.compact(w.name)): w
            for w in Workshop.objects.filter(enterprise_id__in=list(usccs))
        }
        creates, updates, moved, recounted = [], [], [], []
        for _number, _action, data in rows:
            values = data["workshop"]
            workshop = existing.get(data["key"])
            if workshop is None:
                creates.append(
                    new_application(
                        self.user,
                        on=today,
                        reason=_("Application recorded by a ledger import"),
                        enterprise=enterprises[data["uscc"]],
                        **values,
                    )
                )
                continue
            if not _differs(workshop, values, getattr):
                continue
            if workshop.region_id != values["region_id"]:
                moved.append(workshop.pk)
            if any(getattr(workshop, f) != values[f] for f in ("region_id", *BREAKDOWNS)):
                recounted.append(workshop.pk)
            for field, value in values.items():
                setattr(workshop, field, value)
            updates.append(workshop)
        Workshop.objects.bulk_create(workshop for workshop, _history in creates)
        StatusChange.objects.bulk_create(history for _workshop, history in creates)
        Workshop.objects.bulk_update(updates, list(WORKSHOP_FIELDS))
        if moved:
            move_records(moved)
        if recounted:  # applications are not counted; recognized workshops' figures change
            mark_workshops_dirty(recounted)


def _differs(current, values, get=dict.get):
    """Whether ``current`` (a values dict, or a model instance with ``get=getattr``) differs
    from ``values`` in any of its fields."""
    return current is not None and any(get(current, f) != v for f, v in values.items())


class PositionLedger(SynonymLedger):
    key = "positions"
    title = gettext_lazy("Positions developed (岗位台账)")
    columns = POSITION_COLUMNS
    permissions = ("workshops.add_position", "workshops.change_position")
    choices = {}

    def clean_row(self, raw):
        data, errors, take = self.cleaner(raw)
        take("workshop", _text)
        take("uscc", _optional_uscc)
        take("title", _text)
        take("headcount", _headcount)
        take("wage_min", cleaning.money)
        take("wage_max", cleaning.money)
        take("requirements", cleaning.text)
        take("posted_on", lambda v: required(cleaning.date(v)))
        take("closed_on", cleaning.date)
        values = {f: data[f] for f in POSITION_FIELDS if f in data}
        keys = {f: f for f in POSITION_FIELDS}
        for key, message in _field_errors(Position(**values), values, keys).items():
            errors.setdefault(key, message)
        if "workshop" not in errors and "uscc" not in errors:
            try:
                data["workshop"] = self.find_workshop(data["workshop"], data["uscc"])
            except WorkshopNotFound as exc:
                errors[exc.key] = str(exc)
        return data, errors

    def plan(self, table):
        plan = Plan()
        cleaned = self.clean_rows(table, plan)
        seen = defaultdict(list)
        for number, data in cleaned:
            data["key"] = _position_key(data["workshop"]["id"], data["title"], data["posted_on"])
            seen[data["key"]].append(number)
        existing = defaultdict(list)
        for values in Position.objects.filter(
            workshop_id__in={d["workshop"]["id"] for _n, d in cleaned},
            posted_on__in={d["posted_on"] for _n, d in cleaned},
        ).values("workshop_id", "posted_on", *POSITION_FIELDS):
            key = _position_key(values["workshop_id"], values["title"], values["posted_on"])
            existing[key].append(values)
        for number, data in cleaned:
            found = existing.get(data["key"], [])
            problems = []
            if len(seen[data["key"]]) > 1:
                problems.append(
                    (
                        "title",
                        _(
                            "The same position (workshop, title and posting date) appears in "
                            "rows %(rows)s; keep one row."
                        )
                        % {"rows": row_list(seen[data["key"]])},
                    )
                )
            if len(found) > 1:
                problems.append(
                    (
                        "title",
                        _(
                            "Several positions with this title and posting date are registered "
                            "at this workshop; correct them in the registry first."
                        ),
                    )
                )
            current = found[0] if len(found) == 1 else None
            if current:
                for key in POSITION_OPTIONAL:
                    if key not in table.columns:
                        data[key] = current[key]
            data["values"] = {f: data[f] for f in POSITION_FIELDS}
            position = Position(posted_on=data["posted_on"], **data["values"])
            problems += [
                (key if key in self.headers else "title", message)
                for key, message in position_rule_errors(position)
            ]
            if problems:
                for key, message in problems:
                    plan.reject(number, self.headers[key], cleaning.text(data.get(key)), message)
                continue
            if current is None:
                action = "create"
            elif _differs(current, data["values"]):
                action = "update"
            else:
                action = "unchanged"
            plan.rows.append((number, action, data))
        return plan

    def write(self, rows):
        if not rows:
            return
        data_rows = [d for _n, _a, d in rows]
        existing = {
            _position_key(workshop_id, title, posted_on): pk
            for pk, workshop_id, title, posted_on in Position.objects.filter(
                workshop_id__in={d["workshop"]["id"] for d in data_rows},
                posted_on__in={d["posted_on"] for d in data_rows},
            ).values_list("pk", "workshop_id", "title", "posted_on")
        }
        creates, updates = [], []
        for data in data_rows:
            position = Position(
                pk=existing.get(data["key"]),
                workshop_id=data["workshop"]["id"],
                region_id=data["workshop"]["region_id"],
                posted_on=data["posted_on"],
                **data["values"],
            )
            (updates if position.pk else creates).append(position)
        Position.objects.bulk_create(creates, batch_size=2000)
        Position.objects.bulk_update(updates, list(POSITION_FIELDS), batch_size=2000)
        mark_dirty(min(d["posted_on"] for d in data_rows))  # the positions open in those years


def _position_key(workshop_id, title, posted_on):
    return (workshop_id, cleaning.compact(title), posted_on)
