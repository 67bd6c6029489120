"""The employment roster with wages ledger (车间用工花名册): one row per employment of a
registered laborer at a workshop, optionally with the wage paid for one month.

Identity keys: an employment is (laborer, workshop, start date); a wage record is (employment,
month). Several rows may describe one employment (one per wage month); they must agree on the
employment columns. The laborer must be registered (found by the ID number's blind index, like
the 花名册); the workshop is found by name within the importer's scope (``Workshop.objects
.restrict``: a workshop operator sees only their own workshops), with the enterprise's credit
code to tell workshops of the same name apart.

The rules are those of ``labor.services.hire``, ``leave`` and ``record_wage`` (and the model's
field validators and constraints): each rule is checked by the same function of
``labor.services`` (``check_can_hire`` … ``check_wage_month``), its message put on the row's
column. Only what concerns a whole file stays here: rows of one employment agreeing, no
overlapping employment in the file and the registry together, never reopening an ended
employment. Writes are bulk; importing the same file twice changes nothing the second time.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core import pii
from bangfu.core.identity import mask_id_number, validate_id_number, validate_uscc
from bangfu.labor.models import ContractType, Employment, Laborer, WageRecord, WorkStatus
from bangfu.labor.services import (
    check_can_hire,
    check_leaving_date,
    check_no_wage_after,
    check_position_open,
    check_start_date,
    check_wage_month,
    position_open_on,
)
from bangfu.stats.services import mark_dirty
from bangfu.workshops.models import Position

from . import cleaning
from .base import Ledger, Plan, WorkshopNotFound, required, row_list
from .columns import choices, id_number_column
from .reader import Column

CHUNK = 20_000  # values per IN (...) list (SQLite allows 32,766 parameters)

ROSTER = (
    Column(
        "workshop",
        "车间名称",
        ("车间", "车间名", "帮扶车间", "就业帮扶车间", "扶贫车间", "所在车间", "用工车间"),
        True,
        gettext_lazy("The workshop's registered name, inside your data scope."),
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        ("社会信用代码", "信用代码", "企业统一社会信用代码", "经营主体统一社会信用代码"),
        False,
        gettext_lazy(
            "The enterprise's 18-character code; needed only when several workshops share a name."
        ),
        text_format=True,
    ),
    Column(
        "name",
        "姓名",
        ("劳动力姓名", "员工姓名", "职工姓名", "务工人员姓名"),
        True,
        gettext_lazy("As registered in the 花名册."),
    ),
    id_number_column(
        gettext_lazy("18 characters, formatted as text. The person must already be in the 花名册.")
    ),
    Column(
        "position",
        "岗位名称",
        ("岗位", "工种", "就业岗位", "从事岗位"),
        False,
        gettext_lazy(
            "A position of the workshop; may be left empty when only one position is open."
        ),
    ),
    Column(
        "start_date",
        "入职日期",
        ("入职时间", "上岗日期", "上岗时间", "就业时间", "务工开始时间", "开始日期"),
        True,
        gettext_lazy("For example 2024-05-01."),
    ),
    Column(
        "end_date",
        "离职日期",
        ("离职时间", "离岗日期", "离岗时间", "结束日期", "务工结束时间"),
        False,
        gettext_lazy("Empty while the person still works there."),
    ),
    Column(
        "leave_reason", "离职原因", ("离岗原因",), False, gettext_lazy("Only with a leaving date.")
    ),
    Column(
        "contract_type",
        "合同类型",
        ("用工形式", "用工方式", "合同形式", "签订合同类型"),
        True,
        gettext_lazy("One of the listed values."),
        choices(ContractType),
    ),
    Column(
        "monthly_wage",
        "月工资（元）",
        ("月工资", "月薪", "约定月工资", "工资标准"),
        True,
        gettext_lazy("The agreed monthly wage in yuan, for example 2500."),
    ),
    Column(
        "month",
        "工资月份",
        ("发放月份", "工资所属月份", "月份"),
        False,
        gettext_lazy("The month a wage was paid for, for example 2024-05; one row per month."),
    ),
    Column(
        "amount",
        "实发工资（元）",
        ("实发工资", "实发金额", "发放金额"),
        False,
        gettext_lazy("The wage actually paid for that month; required with the wage month."),
    ),
)

# Rows of the same employment must agree on these columns.
EMPLOYMENT_COLUMNS = ("position", "end_date", "leave_reason", "contract_type", "monthly_wage")
# The employment fields an import sets (the identity key is never changed).
EMPLOYMENT_FIELDS = ("position_id", "end_date", "leave_reason", "contract_type", "monthly_wage")


class RosterLedger(Ledger):
    key = "roster"
    title = gettext_lazy("Workshop employment roster with wages (车间用工花名册)")
    columns = ROSTER
    permissions = (
        "labor.add_employment",
        "labor.change_employment",
        "labor.add_wagerecord",
        "labor.change_wagerecord",
    )
    choices = {"contract_type": ContractType}

    # --- lookups -------------------------------------------------------------------------------

    def laborers(self, indexes):
        """{blind index: laborer values, with ``visible``} of the registered laborers.

        Unscoped, like ``labor.services.find_by_id_number`` used by the hire form: the exact ID
        number finds the person wherever they live; their name is shown only if visible."""
        found = {}
        for chunk in _chunks(indexes):
            for values in Laborer.objects.filter(id_index__in=chunk).values(
                "id", "id_index", "name", "region_id"
            ):
                found[values["id_index"]] = values
        ids = [v["id"] for v in found.values()]
        visible = set()
        for chunk in _chunks(ids):
            visible.update(
                Laborer.objects.restrict(self.user)
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        for values in found.values():
            values["visible"] = values["id"] in visible
        return found

    # --- one row -------------------------------------------------------------------------------

    def clean_row(self, raw):
        data, errors, take = self.cleaner(raw)
        take("uscc", lambda v: validate_uscc(v) if cleaning.compact(v) else "")
        if "uscc" not in errors:
            try:
                data["workshop"] = self.find_workshop(raw.get("workshop"), data["uscc"])
            except WorkshopNotFound as exc:
                errors[exc.key] = str(exc)
        take("name", lambda v: required(cleaning.text(v)))
        take("id_number", validate_id_number)
        take("position", cleaning.text)
        take("start_date", lambda v: required(cleaning.date(v)))
        take("end_date", cleaning.date)
        take("leave_reason", lambda v: _field(Employment, "leave_reason", cleaning.text(v)))
        take(
            "monthly_wage",
            lambda v: _field(Employment, "monthly_wage", required(cleaning.money(v))),
        )
        take("month", cleaning.month)
        take("amount", lambda v: _field(WageRecord, "amount", cleaning.money(v), optional=True))
        self.take_choices(raw, data, errors)
        _check_dates(data, errors)
        return data, errors

    # --- the plan ------------------------------------------------------------------------------

    def plan(self, table):
        plan = Plan()
        cleaned = self.clean_rows(table, plan)
        for _number, data in cleaned:
            data["id_index"] = pii.blind_index(data["id_number"])
        laborers = self.laborers([d["id_index"] for _n, d in cleaned])
        groups = defaultdict(list)  # employment key → [(row number, data)]
        for number, data in cleaned:
            laborer = laborers.get(data["id_index"])
            masked = mask_id_number(data["id_number"])
            if laborer is None:
                plan.reject(
                    number,
                    self.headers["id_number"],
                    masked,
                    _(
                        "No laborer with this ID number is registered; import the households "
                        "and laborers ledger (花名册) first, then this roster."
                    ),
                )
                continue
            if cleaning.compact(laborer["name"]) != cleaning.compact(data["name"]):
                if laborer["visible"]:
                    message = _(
                        "The name differs from the name registered for this ID number "
                        "(%(name)s); correct the name or the ID number."
                    ) % {"name": laborer["name"]}
                else:
                    message = _(
                        "The name differs from the name registered for this ID number; "
                        "correct the name or the ID number."
                    )
                plan.reject(number, self.headers["name"], data["name"], message)
                continue
            data["laborer"] = laborer
            data["key"] = (laborer["id"], data["workshop"]["id"], data["start_date"])
            groups[data["key"]].append((number, data))
        self.reject_repeats(groups, plan)
        state = RegistryState(groups)
        self.check_groups(groups, state, plan)
        self.check_overlaps(groups, state, plan)
        for key, rows in groups.items():
            self.add_actions(plan, key, rows, state)
        plan.rows.sort(key=lambda r: r[0])
        return plan

    def reject_groups(self, groups, plan, rejected):
        """Reject every row of the groups in ``rejected`` ({key: (column key, message)})."""
        for key, (column, message) in rejected.items():
            for number, data in groups.pop(key):
                plan.reject(number, self.headers[column], _shown(column, data), message)

    def reject_repeats(self, groups, plan):
        """Rows repeating one employment and month; rows of one employment that disagree."""
        for key in list(groups):
            by_month = defaultdict(list)
            for number, data in groups[key]:
                by_month[data["month"]].append(number)
            repeated = {n for numbers in by_month.values() if len(numbers) > 1 for n in numbers}
            if repeated:
                message = _(
                    "Rows %(rows)s repeat the same employment (person, workshop, start date) "
                    "and wage month; keep one of them."
                ) % {"rows": row_list(sorted(repeated))}
                for number, data in groups[key]:
                    if number in repeated:
                        plan.reject(
                            number,
                            self.headers["id_number"],
                            mask_id_number(data["id_number"]),
                            message,
                        )
                groups[key] = [(n, d) for n, d in groups[key] if n not in repeated]
            if not groups[key]:
                del groups[key]
        disagreeing = {}
        for key, rows in groups.items():
            first = rows[0][1]
            for column in EMPLOYMENT_COLUMNS:
                if any(_compared(column, d) != _compared(column, first) for _n, d in rows):
                    disagreeing[key] = (
                        column,
                        _(
                            "Rows %(rows)s describe the same employment with different values "
                            "in this column; make them agree."
                        )
                        % {"rows": row_list(n for n, _d in rows)},
                    )
                    break
        self.reject_groups(groups, plan, disagreeing)

    def check_groups(self, groups, state, plan):
        """The rules of ``hire`` (new employment), ``leave`` (leaving date) and the position."""
        rejected = {}
        for key, rows in groups.items():
            data, current = rows[0][1], state.employments.get(key)
            workshop = data["workshop"]
            try:
                if current is None:
                    _enforce("workshop", check_can_hire, workshop["name"], workshop["status"])
                    _enforce("start_date", check_start_date, data["start_date"])
                state.position_ids[key] = self.position(data, current, state.positions)
                if current is not None:
                    _check_leaving(data, current, state)
            except RowProblem as problem:
                rejected[key] = (problem.column, problem.message)
        self.reject_groups(groups, plan, rejected)

    def position(self, data, current, positions):
        """The position of the employment: by title among the workshop's positions, open on the
        start date (the rule of ``hire``); without a title the current position, or the only
        position open on the start date."""
        workshop, start = data["workshop"], data["start_date"]
        title = cleaning.compact(data["position"])
        candidates = positions.get(workshop["id"], [])
        if title:
            candidates = [p for p in candidates if cleaning.compact(p["title"]) == title]
            if not candidates:
                raise RowProblem(
                    "position",
                    _(
                        "%(workshop)s has no position “%(title)s”; correct the title or add "
                        "the position to the workshop first."
                    )
                    % {"workshop": workshop["name"], "title": data["position"]},
                )
            if current and any(p["id"] == current["position_id"] for p in candidates):
                return current["position_id"]
        elif current:
            return current["position_id"]
        open_ = [p for p in candidates if position_open_on(p["posted_on"], p["closed_on"], start)]
        if len(open_) == 1:
            return open_[0]["id"]
        if not open_ and title:  # the rule of ``hire``, broken by every position of this title
            closed = candidates[0]
            _enforce(
                "position",
                check_position_open,
                data["position"],
                closed["posted_on"],
                closed["closed_on"],
                start,
            )
        values = {"workshop": workshop["name"], "title": data["position"], "start": start}
        if not open_:
            message = _(
                "%(workshop)s has no position open on the start date %(start)s; add the "
                "position first or correct the start date."
            )
        elif title:
            message = _(
                "Several positions of %(workshop)s are titled “%(title)s” and open on "
                "%(start)s; ask the district office to give them distinct titles."
            )
        else:
            message = _(
                "%(workshop)s has several positions open on %(start)s; fill in the position "
                "title (岗位名称)."
            )
        raise RowProblem("position", message % values)

    def check_overlaps(self, groups, state, plan):
        """No overlapping employment of one person at one workshop, and at most one open
        employment per person (the rule of ``hire`` and a database constraint), counting the
        registered employment and the file's rows together."""
        by_workshop = self.workshops()[0]
        entries = defaultdict(list)  # laborer id → [Entry]
        for key, employment in state.employments.items():
            if key not in groups:
                entries[key[0]].append(Entry(key, employment["end_date"], None, registered=True))
        for key, rows in groups.items():
            current, end = state.employments.get(key), rows[0][1]["end_date"]
            registered = current is not None and current["end_date"] == end
            entries[key[0]].append(Entry(key, end, [n for n, _d in rows], registered))
        rejected = {}
        for laborer_entries in entries.values():
            for index, a in enumerate(laborer_entries):
                for b in laborer_entries[index + 1 :]:
                    if a.registered and b.registered:
                        continue
                    for side, other in ((a, b), (b, a)):
                        if side.registered or side.key in rejected:
                            continue
                        problem = self.conflict(side, other, groups, by_workshop)
                        if problem:
                            rejected[side.key] = problem
        self.reject_groups(groups, plan, rejected)

    def conflict(self, side, other, groups, by_workshop):
        """(column key, message) if ``side`` (from the file) cannot coexist with ``other``."""
        if side.workshop == other.workshop and side.overlaps(other):
            if other.rows is None:
                return (
                    "start_date",
                    _(
                        "This employment overlaps the employment registered at the same "
                        "workshop from %(start)s; correct the dates (a wrong start date is "
                        "corrected in the registry, not by an import)."
                    )
                    % {"start": other.start},
                )
            return (
                "start_date",
                _(
                    "This employment overlaps the one in rows %(rows)s at the same workshop; "
                    "correct the dates."
                )
                % {"rows": row_list(other.rows)},
            )
        if side.end is None and other.end is None:
            if other.rows is not None:
                return (
                    "end_date",
                    _(
                        "This person would be employed twice at once with no leaving date "
                        "(rows %(rows)s); fill in the leaving date of the earlier employment."
                    )
                    % {"rows": row_list(sorted([*side.rows, *other.rows]))},
                )
            workshop = by_workshop.get(other.workshop)
            if workshop is None:  # the current employer is outside the importer's scope
                return (
                    "end_date",
                    _("This person is still employed elsewhere and cannot be hired now."),
                )
            name = groups[side.key][0][1]["laborer"]["name"]
            return (
                "end_date",
                _("%(name)s is still employed at %(workshop)s; record the leaving first.")
                % {"name": name, "workshop": workshop["name"]},
            )
        return None

    def add_actions(self, plan, key, rows, state):
        """One action per row: create if the employment or the wage record is new, update if
        anything changes, else unchanged."""
        current = state.employments.get(key)
        first = rows[0][1]
        final = {
            "position_id": state.position_ids[key],
            **{name: first[name] for name in EMPLOYMENT_FIELDS if name != "position_id"},
        }
        changed = current is None or any(current[f] != final[f] for f in EMPLOYMENT_FIELDS)
        for number, data in rows:
            data.update(final, employment_changed=changed, wage_changed=False)
            wage_new = False
            if data["month"] is not None:
                paid = state.wages.get((current["id"], data["month"])) if current else None
                wage_new = paid is None
                data["wage_changed"] = wage_new or paid != data["amount"]
            if current is None or wage_new:
                action = "create"
            elif changed or data["wage_changed"]:
                action = "update"
            else:
                action = "unchanged"
            plan.rows.append((number, action, data))

    # --- writing -------------------------------------------------------------------------------

    def write(self, rows):
        """Bulk writes: employment created or updated by key, then its wage records; the work
        status as ``hire``/``leave`` set it; the statistics marked dirty from the earliest date
        changed."""
        employments = {}  # key → data of its first row
        for _number, _action, data in rows:
            employments.setdefault(data["key"], data)
        if not employments:
            return
        current = _current_employments(employments)
        creates, updates, dates, touched, closed = [], [], [], set(), set()
        ids = {key: values["id"] for key, values in current.items()}
        for key, data in employments.items():
            now = current.get(key)
            if now is not None and not data["employment_changed"]:
                continue
            employment = Employment(
                pk=now["id"] if now else None,
                laborer_id=key[0],
                workshop_id=key[1],
                start_date=key[2],
                region_id=data["workshop"]["region_id"],
                laborer_region_id=data["laborer"]["region_id"],
                **{name: data[name] for name in EMPLOYMENT_FIELDS},
            )
            (updates if now else creates).append(employment)
            dates.append(key[2])
            if now is None or now["end_date"] != data["end_date"]:
                touched.add(key[0])
            if now is not None and now["end_date"] is None and data["end_date"] is not None:
                closed.add(key[0])
        # updates first: they may close the open employment a created one replaces
        Employment.objects.bulk_update(
            updates,
            ["position", "end_date", "leave_reason", "contract_type", "monthly_wage"],
            batch_size=5000,
        )
        Employment.objects.bulk_create(creates, batch_size=5000)
        ids.update({(e.laborer_id, e.workshop_id, e.start_date): e.pk for e in creates})
        dates.extend(self.write_wages(rows, ids))
        _update_work_status(touched, closed)
        if dates:
            mark_dirty(min(dates))

    def write_wages(self, rows, ids):
        """Create or update the wage records of ``rows``; the months written."""
        wanted = {}
        for _number, _action, data in rows:
            if data["month"] is not None and data["wage_changed"]:
                employment = ids[data["key"]]
                wanted[(employment, data["month"])] = (data["amount"], data["workshop"])
        existing = {}
        for chunk in _chunks({employment for employment, _m in wanted}):
            for pk, employment, month in WageRecord.objects.filter(
                employment_id__in=chunk
            ).values_list("pk", "employment_id", "month"):
                existing[(employment, month)] = pk
        creates, updates = [], []
        for (employment, month), (amount, workshop) in wanted.items():
            record = WageRecord(
                pk=existing.get((employment, month)),
                employment_id=employment,
                month=month,
                amount=amount,
                region_id=workshop["region_id"],
            )
            (updates if record.pk else creates).append(record)
        WageRecord.objects.bulk_create(creates, batch_size=5000)
        WageRecord.objects.bulk_update(updates, ["amount"], batch_size=5000)
        return [month for _employment, month in wanted]


class RowProblem(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column, self.message = column, message


class Entry:
    """One employment of a person for the overlap check: from the file (``rows``) or only in
    the registry (``rows`` None); ``registered`` if its dates are those registered."""

    def __init__(self, key, end, rows, registered):
        self.key, self.end, self.rows, self.registered = key, end, rows, registered
        self.workshop, self.start = key[1], key[2]

    def overlaps(self, other):
        return self.start <= (other.end or datetime.date.max) and other.start <= (
            self.end or datetime.date.max
        )


class RegistryState:
    """What the registry holds for the laborers and workshops of the file's employment."""

    def __init__(self, groups):
        laborer_ids = {key[0] for key in groups}
        self.employments = {}  # key → values of every employment of these laborers
        for chunk in _chunks(laborer_ids):
            for values in Employment.objects.filter(laborer_id__in=chunk).values(
                "id", "laborer_id", "workshop_id", "start_date", *EMPLOYMENT_FIELDS
            ):
                key = (values["laborer_id"], values["workshop_id"], values["start_date"])
                self.employments[key] = values
        matched = [self.employments[key]["id"] for key in groups if key in self.employments]
        self.wages = {}  # (employment id, month) → amount
        for chunk in _chunks(matched):
            for employment, month, amount in WageRecord.objects.filter(
                employment_id__in=chunk
            ).values_list("employment_id", "month", "amount"):
                self.wages[(employment, month)] = amount
        self.last_wage = {}  # employment id → latest month paid
        for (employment, month), _amount in self.wages.items():
            self.last_wage[employment] = max(month, self.last_wage.get(employment, month))
        self.positions = defaultdict(list)  # workshop id → positions
        for values in Position.objects.filter(workshop_id__in={key[1] for key in groups}).values(
            "id", "workshop_id", "title", "posted_on", "closed_on"
        ):
            self.positions[values["workshop_id"]].append(values)
        self.position_ids = {}  # key → the position the employment will have


# --- rules shared by the helpers above ------------------------------------------------------


def _field(model, name, value, optional=False):
    """``value`` through the model field's own validation (length, digits), as ``full_clean``
    does in the services."""
    if value is None and optional:
        return None
    return model._meta.get_field(name).clean(value, None)


def _violation(check, *args):
    """The message if ``args`` break the service rule ``check``, else None."""
    try:
        check(*args)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _enforce(column, check, *args):
    """The service rule ``check`` as a :class:`RowProblem` on ``column``."""
    message = _violation(check, *args)
    if message:
        raise RowProblem(column, message)


def _check_dates(data, errors):
    """Dates within one row: the rules of ``leave`` (``check_leaving_date``) and ``record_wage``
    (``check_wage_month``)."""
    start, end, month = data.get("start_date"), data.get("end_date"), data.get("month")
    dates_ok = "start_date" not in errors and "end_date" not in errors
    if dates_ok and end is not None:
        message = _violation(check_leaving_date, start, end)
        if message:
            errors["end_date"] = message
            dates_ok = False
    if data.get("leave_reason") and end is None and "end_date" not in errors:
        errors["leave_reason"] = _(
            "A reason for leaving needs the leaving date (离职日期); fill it in or clear the "
            "reason."
        )
    if "month" in errors or "amount" in errors:
        return
    amount = data.get("amount")
    if month is not None and amount is None:
        errors["amount"] = _(
            "The wage paid for %(month)s is missing; fill in 实发工资（元） or clear the wage "
            "month."
        ) % {"month": f"{month:%Y-%m}"}
    elif month is None and amount is not None:
        errors["month"] = _(
            "The month of the wage paid is missing; fill in 工资月份 (e.g. 2024-05)."
        )
    elif month is not None:
        # with an invalid start or leaving date only the future is checked
        period = (start, end) if dates_ok else (None, None)
        message = _violation(check_wage_month, month, *period)
        if message:
            errors["month"] = message


def _check_leaving(data, current, state):
    """A registered employment: not reopened, and no wage after a new leaving date (the rule of
    ``leave``, ``check_no_wage_after``)."""
    end = data["end_date"]
    if current["end_date"] is not None and end is None:
        raise RowProblem(
            "end_date",
            _(
                "This employment ended on %(end)s in the registry; fill in the leaving date "
                "(an import does not reopen an employment)."
            )
            % {"end": current["end_date"]},
        )
    if end is not None and end != current["end_date"]:
        _enforce("end_date", check_no_wage_after, end, state.last_wage.get(current["id"]))


def _current_employments(employments):
    """{key: id and end date} of the registered employments among the keys of ``employments``
    (read again at writing time: the plan may be older than the registry)."""
    found = {}
    for chunk in _chunks({key[0] for key in employments}):
        for values in Employment.objects.filter(laborer_id__in=chunk).values(
            "id", "laborer_id", "workshop_id", "start_date", "end_date"
        ):
            key = (values["laborer_id"], values["workshop_id"], values["start_date"])
            if key in employments:
                found[key] = values
    return found


def _update_work_status(touched, closed):
    """As ``hire`` and ``leave`` do: employed at a workshop while an employment is open; back to
    "returned, not employed" when the open employment ended (or none is open any more)."""
    touched = list(touched)
    open_ids = set()
    for chunk in _chunks(touched):
        open_ids.update(
            Employment.objects.filter(laborer_id__in=chunk, end_date__isnull=True).values_list(
                "laborer_id", flat=True
            )
        )
    for chunk in _chunks(open_ids):
        Laborer.objects.filter(pk__in=chunk).exclude(work_status=WorkStatus.WORKSHOP).update(
            work_status=WorkStatus.WORKSHOP
        )
    for chunk in _chunks(set(touched) - open_ids):
        Laborer.objects.filter(
            Q(pk__in=[pk for pk in chunk if pk in closed]) | Q(work_status=WorkStatus.WORKSHOP),
            pk__in=chunk,
        ).update(work_status=WorkStatus.RETURNED_UNEMPLOYED)


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _compared(column, data):
    value = data[column]
    return cleaning.compact(value) if column == "position" else value


def _shown(column, data):
    """The value of ``column`` as reported in the error list (ID numbers masked)."""
    value = data.get(column)
    if column == "id_number":
        return mask_id_number(value)
    if column == "workshop":
        return value["name"]
    if value is None:
        return ""
    return cleaning.text(value)
