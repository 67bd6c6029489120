"""The synthetic Heshan demo dataset (deterministic) and the scale mode for benchmarks.

Built so that the bureau's reported 2023 figures come out of the KPI definitions exactly:
35 workshops, 522 poverty-alleviated laborers employed, 429 positions (364 in 2022, +65).
Every name, ID number (valid checksum, synthetic) and phone number (1380000xxxx) is made up.
Rows are written in bulk with the same identity functions as the services.
"""

import datetime
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from bangfu.accounts.models import User
from bangfu.core.dates import add_months, month_start
from bangfu.core.identity import check_character
from bangfu.labor.models import (
    Category,
    ContractType,
    Education,
    Employment,
    Household,
    LaborAbility,
    Laborer,
    MonitorType,
    RiskStatus,
    WageRecord,
    WorkStatus,
)
from bangfu.labor.services import pinyin_keys, prepare_identity
from bangfu.regions.models import Level, Region
from bangfu.workshops.models import (
    CreationMode,
    Enterprise,
    Industry,
    Position,
    SiteType,
    Status,
    StatusChange,
    Workshop,
    WorkshopType,
)

from . import services

SEED = 20231231
TARGETS = {"workshops_2023": 35, "laborers_2023": 522, "positions_2023": 429, "positions_2022": 364}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃戴莫孔向汤"
)
MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林国建文志海东春"
FEMALE = "芳娜敏静丽艳娟霞秀玲桂英红燕萍琴兰凤洁梅琳素云莲真环雪荣爱妹香月莹媛"
ENTERPRISE_WORDS = (
    "益农",
    "赫山",
    "兰溪",
    "湘绣",
    "竹韵",
    "金穗",
    "沧水",
    "鑫达",
    "和顺",
    "富民",
    "龙岭",
    "泉交",
)
TRADES = {
    Industry.AGRI_PROCESSING: ("农产品加工", "粮油加工车间"),
    Industry.HANDICRAFT: ("手工艺品", "手工编织车间"),
    Industry.GARMENT: ("服饰", "服装加工车间"),
    Industry.ELECTRONICS: ("电子", "电子元件组装车间"),
    Industry.BAMBOO_WOOD: ("竹木制品", "竹木加工车间"),
    Industry.FOOD: ("食品", "食品加工车间"),
    Industry.FARMING: ("生态农业", "种养殖加工车间"),
}
POSITION_TITLES = (
    "普工",
    "包装工",
    "质检员",
    "缝纫工",
    "编织工",
    "装配工",
    "分拣工",
    "搬运工",
    "仓管员",
)


@dataclass
class Plan:
    """A workshop to create: its story (statuses by date) and its positions."""

    township: Region
    village: Region
    site_type: str
    creation_mode: str
    industry: str
    type_code: str
    history: list  # [(date, status)]
    positions: list = field(default_factory=list)  # [(posted, closed, headcount)]
    workshop: Workshop = None


def split(total, parts, rng, low=1):
    """``parts`` positive integers summing to ``total``, roughly even with some spread."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    values = [max(low, int(total * w / sum(weights))) for w in weights]
    values[-1] += total - sum(values)
    assert values[-1] >= low, (total, parts)
    return values


def day_in(rng, year, first_month=1, last_month=12):
    month = rng.randint(first_month, last_month)
    return datetime.date(year, month, rng.randint(1, 28))


class Generator:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)  # noqa: S311 (deterministic demo data, not secrets)
        self.today = datetime.date.today()
        self.ids = set()
        self.actor = (
            User.objects.filter(is_superuser=True).order_by("pk").first()
            or User.objects.order_by("pk").first()
        )
        townships = list(Region.objects.filter(level=Level.TOWNSHIP).order_by("code"))
        self.villages = {
            t.code: list(Region.objects.filter(parent=t).order_by("code")) for t in townships
        }
        self.townships = [t for t in townships if self.villages[t.code]]
        self.types = {t.code: t for t in WorkshopType.objects.all()}

    # --- people ------------------------------------------------------------------------------
    def name(self, gender):
        given = MALE if gender == "M" else FEMALE
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(given) for _ in range(self.rng.choice((1, 2, 2)))
        )

    def id_number(self, birth, gender, prefix="430903"):
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
            body = f"{prefix}{birth:%Y%m%d}{sequence:03d}"
            number = body + check_character(body)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def person(self, household, reference_year=2023):
        gender = self.rng.choice("MF")
        birth = datetime.date(
            reference_year - self.rng.randint(19, 58),
            self.rng.randint(1, 12),
            self.rng.randint(1, 28),
        )
        prefix = (
            "432301" if birth.year < 1994 and self.rng.random() < 0.3 else "430903"
        )  # old 益阳 codes
        laborer = Laborer(
            household=household,
            region_id=household.region_id,
            name=self.name(gender),
            phone=f"1380000{self.rng.randrange(10000):04d}",
            labor_ability=self.rng.choices([LaborAbility.FULL, LaborAbility.PARTIAL], [0.85, 0.15])[
                0
            ],
            education=self.rng.choice(Education.values),
            work_status=WorkStatus.RETURNED_UNEMPLOYED,
            skills=self.rng.choice(["", "缝纫", "编织", "电工", "驾驶", "种植,养殖", "烹饪"]),
        )
        for key, value in prepare_identity(self.id_number(birth, gender, prefix)).items():
            setattr(laborer, key, value)
        laborer.name_pinyin, laborer.name_initials = pinyin_keys(laborer.name)
        return laborer

    def household(self, village, category):
        monitored = category == Category.MONITORED
        return Household(
            head_name=self.name(self.rng.choice("MF")),
            region=village,
            category=category,
            monitor_type=self.rng.choice(MonitorType.values) if monitored else "",
            risk_status=self.rng.choice(RiskStatus.values) if monitored else "",
            members_count=self.rng.randint(2, 6),
        )

    # --- workshops ---------------------------------------------------------------------------
    def plans(self):
        """The 45 workshops of the demo and the story of each."""
        rng = self.rng
        longling = next(t for t in self.townships if t.code.startswith("430903402"))
        others = [t for t in self.townships if t is not longling]
        plans = []

        def plan(township, history, site_type=None):
            site = (
                site_type
                or rng.choices(
                    [SiteType.VILLAGE, SiteType.RELOCATION, SiteType.OTHER], [0.7, 0.22, 0.08]
                )[0]
            )
            industry = rng.choice(list(TRADES))
            type_code = (
                "home"
                if industry == Industry.HANDICRAFT and rng.random() < 0.5
                else ("farming" if industry == Industry.FARMING else "factory")
            )
            p = Plan(
                township,
                rng.choice(self.villages[township.code]),
                site,
                rng.choice(CreationMode.values),
                industry,
                type_code,
                history,
            )
            plans.append(p)
            return p

        def recognized_in(year):
            applied = day_in(rng, year, 1, 6)
            return [
                (applied, Status.APPLYING),
                (applied + datetime.timedelta(days=rng.randint(20, 60)), Status.RECOGNIZED),
            ]

        continuing = [
            plan(
                longling if i < 5 else others[i % len(others)],
                recognized_in(2021 if i % 3 else 2022),
                SiteType.INDUSTRIAL_PARK if i < 5 else None,
            )
            for i in range(30)
        ]
        for p in continuing[27:]:  # three under watch at the end of 2023
            p.history.append((day_in(rng, 2023, 9, 11), Status.WATCH))
        continuing[27].history.append((datetime.date(2024, 4, 10), Status.RECOGNIZED))  # restored
        removed = plan(others[3], recognized_in(2021))
        removed.history += [
            (datetime.date(2023, 3, 15), Status.WATCH),
            (datetime.date(2023, 9, 20), Status.REMOVED),
        ]
        new = [plan(others[(i * 4 + 1) % len(others)], recognized_in(2023)) for i in range(5)]
        later = [plan(others[i + 6], recognized_in(2024)) for i in range(2)]
        applying = plan(others[9], [(datetime.date(self.today.year, 1, 12), Status.APPLYING)])
        rejected = plan(
            others[10],
            [
                (datetime.date(2025, 3, 2), Status.APPLYING),
                (datetime.date(2025, 5, 6), Status.REJECTED),
            ],
        )
        return continuing, removed, new, later, applying, rejected

    def positions(self, continuing, removed, new, later, applying):
        """Headcounts fixed so that 2022 has 364 positions open and 2023 has 429."""
        rng = self.rng
        closed_2022 = rng.sample([p for p in continuing if p.history[0][0].year == 2021], 4)
        added_2023 = rng.sample(continuing, 8)
        a, b, c = (
            344,
            8,
            12,
        )  # open since ≤2022 at continuing / closed in 2022 / at the removed workshop
        d, e = 25, 60  # posted in 2023 at continuing / at the new workshops
        assert a + b + c == TARGETS["positions_2022"] and a + d + e == TARGETS["positions_2023"]
        first_date = lambda p: p.history[0][0]  # noqa: E731
        slots = [(p, 1 + (i % 3)) for i, p in enumerate(continuing)]
        counts = split(a, sum(n for _p, n in slots), rng)
        for p, n in slots:
            for _ in range(n):
                p.positions.append((first_date(p), None, counts.pop()))
        for p, n in zip(closed_2022, split(b, len(closed_2022), rng), strict=True):
            p.positions.append((first_date(p), datetime.date(2022, rng.randint(3, 10), 15), n))
        for n in split(c, 2, rng):
            removed.positions.append((first_date(removed), datetime.date(2023, 9, 20), n))
        for p, n in zip(added_2023, split(d, len(added_2023), rng), strict=True):
            p.positions.append((day_in(rng, 2023, 2, 6), None, n))
        for p, n in zip(new, split(e, len(new), rng), strict=True):
            p.positions.append((first_date(p), None, n))
        for p in later + [applying]:
            p.positions.append((first_date(p), None, rng.randint(6, 15)))

    def create_workshops(self, all_plans):
        rng = self.rng
        for i, p in enumerate(all_plans):
            trade, suffix = TRADES[p.industry]
            word = ENTERPRISE_WORDS[i % len(ENTERPRISE_WORDS)]
            enterprise = Enterprise.objects.create(
                name=f"益阳市{word}{trade}有限公司"
                if i < 24
                else f"赫山区{p.village.name}{word}专业合作社",
                uscc=self.credit_code(i),
                legal_representative=self.name(rng.choice("MF")),
                contact_person=self.name(rng.choice("MF")),
                contact_phone=f"1380000{i:04d}",
                industry=p.industry,
                region=p.village,
                address=f"{p.township.name}{p.village.name}",
            )
            status_on, status = p.history[-1]
            recognized = [d for d, s in p.history if s == Status.RECOGNIZED]
            p.workshop = Workshop.objects.create(
                enterprise=enterprise,
                name=f"{p.village.name}{suffix}",
                region=p.village,
                site_type=p.site_type,
                creation_mode=p.creation_mode,
                workshop_type=self.types[p.type_code],
                industry=p.industry,
                address=f"{p.township.name}{p.village.name}",
                floor_area=rng.choice([120, 150, 200, 260, 320, 80]),
                opened_on=p.history[0][0],
                status=status,
                status_since=status_on,
                certificate_no=f"赫人社车间〔{recognized[0].year}〕{i + 1:03d}号"
                if recognized
                else "",
                recognized_on=recognized[0] if recognized else None,
                grace_until=add_months(status_on, 6) if status == Status.WATCH else None,
            )
            previous = ""
            for on, to_status in p.history:
                StatusChange.objects.create(
                    workshop=p.workshop,
                    from_status=previous,
                    to_status=to_status,
                    on=on,
                    actor=self.actor,
                    reason="演示数据",
                )
                previous = to_status
            Position.objects.bulk_create(
                Position(
                    workshop=p.workshop,
                    region_id=p.village.code,
                    title=rng.choice(POSITION_TITLES),
                    headcount=n,
                    posted_on=posted,
                    closed_on=closed,
                    wage_min=1800,
                    wage_max=3500,
                )
                for posted, closed, n in p.positions
            )

    def credit_code(self, serial):
        from stdnum.cn import uscc

        body = f"92430903MA{serial:07d}" if serial >= 24 else f"91430903MA{serial:07d}"
        return body + uscc.calc_check_digit(body)

    # --- laborers and employment -------------------------------------------------------------
    def open_position(self, plan, on):
        candidates = [
            pos
            for pos in plan.workshop.positions.all()
            if pos.posted_on <= on and (pos.closed_on is None or pos.closed_on >= on)
        ]
        return self.rng.choice(candidates)

    def people(self, count, township, categories):
        """``count`` laborers in new households of ``township``'s villages."""
        laborers = []
        while len(laborers) < count:
            household = self.household(
                self.rng.choice(self.villages[township.code]), self.rng.choice(categories)
            )
            household.save()
            for _ in range(min(self.rng.choice((1, 1, 2, 2, 3)), count - len(laborers))):
                laborers.append(self.person(household))
        return Laborer.objects.bulk_create(laborers)

    def employ(self, laborer, plan, start, end):
        """An employment from ``start`` (moved to the first position's date if earlier);
        ``end`` is a date, None, or a function of the actual start."""
        start = max(start, min(pos.posted_on for pos in plan.workshop.positions.all()))
        end = end(start) if callable(end) else end
        position = self.open_position(plan, start)
        wage = self.rng.choice([1900, 2100, 2300, 2500, 2800, 3100, 3400])
        return Employment(
            laborer=laborer,
            workshop=plan.workshop,
            position=position,
            region_id=plan.workshop.region_id,
            laborer_region_id=laborer.region_id,
            start_date=start,
            end_date=end,
            contract_type=self.rng.choice(ContractType.values),
            monthly_wage=wage,
        )

    def staff(self, continuing, removed, new, later):
        rng = self.rng
        assisted = [
            Category.LIFTED_ENJOYING,
            Category.LIFTED_ENJOYING,
            Category.LIFTED_NOT_ENJOYING,
            Category.MONITORED,
        ]
        employments = []

        def employ_group(count, plans, start_range, end_choice, categories=assisted):
            for i in range(count):
                plan = plans[i % len(plans)]
                laborer = self.people(1, plan.township, categories)[0]
                employments.append(self.employ(laborer, plan, start_range(plan), end_choice))

        def stays(start):
            """Most stay; the others leave after 14–30 months, unless that is still to come."""
            if rng.random() < 0.8:
                return None
            end = add_months(start, rng.randint(14, 30))
            return end if end < self.today else None

        # counted in 2023: 380 at continuing, 100 at the new ones, 42 moved from the removed one
        employ_group(
            380, continuing, lambda p: day_in(rng, rng.choice((2022, 2022, 2023)), 1, 10), stays
        )
        employ_group(100, new, lambda p: day_in(rng, 2023, 8, 12), stays)
        for i in range(42):
            laborer = self.people(1, removed.township, assisted)[0]
            first = self.employ(
                laborer, removed, day_in(rng, 2022, 1, 6), datetime.date(2023, 6, 30)
            )
            second = self.employ(
                laborer, continuing[i % len(continuing)], day_in(rng, 2023, 7, 12), None
            )
            employments += [first, second]
        # not counted in 2023: at the removed workshop only, general households,
        # left in 2022, hired later
        employ_group(
            30, [removed], lambda p: day_in(rng, 2022, 1, 6), lambda s: datetime.date(2023, 3, 31)
        )
        employ_group(40, continuing, lambda p: day_in(rng, 2022, 1, 12), stays, [Category.GENERAL])
        left_2022 = lambda s: min(add_months(s, rng.randint(3, 7)), datetime.date(2022, 12, 31))  # noqa: E731
        employ_group(35, continuing[:20], lambda p: day_in(rng, 2022, 1, 4), left_2022)
        employ_group(24, later, lambda p: day_in(rng, 2024, 8, 12), stays)
        for township in self.townships:  # registered, not employed
            self.people(
                8,
                township,
                assisted + [Category.SUBSISTENCE, Category.EXTREME_POOR, Category.GENERAL],
            )
        Employment.objects.bulk_create(employments)
        open_ids = [e.laborer_id for e in employments if e.end_date is None]
        Laborer.objects.filter(pk__in=open_ids).update(work_status=WorkStatus.WORKSHOP)
        return employments

    def wages(self, employments):
        last_month = add_months(month_start(self.today), -1)
        rows = []
        for e in employments:
            month = month_start(e.start_date)
            end = min(e.end_date or last_month, last_month)
            while month <= end:
                rows.append(
                    WageRecord(
                        employment=e,
                        region_id=e.region_id,
                        month=month,
                        amount=int(e.monthly_wage) + self.rng.randint(-300, 300),
                    )
                )
                month = add_months(month, 1)
        WageRecord.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    @transaction.atomic
    def run(self):
        continuing, removed, new, later, applying, rejected = self.plans()
        self.positions(continuing, removed, new, later, applying)
        self.create_workshops([*continuing, removed, *new, *later, applying, rejected])
        employments = self.staff(continuing, removed, new, later)
        wages = self.wages(employments)
        figures = services.rebuild_all()
        return {
            "workshops": Workshop.objects.count(),
            "laborers": Laborer.objects.count(),
            "employments": len(employments),
            "wage_records": wages,
            "figures": sum(figures.values()),
        }


def load_demo(seed=SEED):
    """Load the Heshan demo dataset into a database with regions and accounts, no registries."""
    if Workshop.objects.exists() or Laborer.objects.exists():
        raise ValueError("the registries are not empty: the demo loads only into an empty database")
    return Generator(seed).run()


def load_scale(laborers, seed=SEED):
    """A large proportional dataset for benchmarks: ``laborers`` laborers in households of two,
    one workshop per 15 laborers, two positions each, two employments per laborer (2022–2024).
    No wage records (they would be ~30 per employment). Written with COPY / executemany."""
    from bangfu.core import bulk

    if Workshop.objects.exists() or Laborer.objects.exists():
        raise ValueError(
            "the registries are not empty: the scale dataset loads only into an empty database"
        )
    gen = Generator(seed)
    rng = gen.rng
    villages = [v for t in gen.townships for v in gen.villages[t.code]]
    factory = gen.types["factory"]
    n_workshops = max(1, laborers // 15)
    with transaction.atomic():
        enterprise = Enterprise.objects.create(
            name="益阳市规模测试实业有限公司",
            uscc=gen.credit_code(9_000_000),
            legal_representative="测试",
            industry=Industry.FOOD,
            region=villages[0],
        )
        first_w, first_sc, first_p = (
            bulk.next_id(Workshop),
            bulk.next_id(StatusChange),
            bulk.next_id(Position),
        )
        workshops, changes, positions, shop_village, shop_positions = [], [], [], {}, {}
        now = datetime.datetime.now(datetime.UTC)
        no_checks = StatusChange._meta.get_field("check_result").get_db_prep_value([], connection)
        for i in range(n_workshops):
            wid, village = first_w + i, villages[i % len(villages)]
            fate = rng.random()
            history = [
                (datetime.date(2021, 3, 1), Status.APPLYING),
                (datetime.date(2021, 5, 1), Status.RECOGNIZED),
            ]
            if fate < 0.05:
                history.append((datetime.date(2023, 6, 30), Status.REMOVED))
            elif fate < 0.13:
                history.append((datetime.date(2023, 10, 1), Status.WATCH))
            on, status = history[-1]
            workshops.append(
                (
                    wid,
                    enterprise.pk,
                    f"规模测试车间{i}",
                    village.code,
                    rng.choice(SiteType.values),
                    rng.choice(CreationMode.values),
                    factory.pk,
                    rng.choice(list(TRADES)),
                    "",
                    200,
                    None,
                    status,
                    on,
                    f"SCALE-{i}",
                    datetime.date(2021, 5, 1),
                    None,
                    now,
                )
            )
            previous = ""
            for day, to_status in history:
                changes.append(
                    (
                        first_sc + len(changes),
                        wid,
                        previous,
                        to_status,
                        day,
                        "规模测试",
                        False,
                        no_checks,
                        gen.actor.pk,
                        now,
                    )
                )
                previous = to_status
            shop_village[wid] = village.code
            shop_positions[wid] = []
            for _ in range(2):
                pid = first_p + len(positions)
                positions.append(
                    (
                        pid,
                        wid,
                        village.code,
                        rng.choice(POSITION_TITLES),
                        rng.randint(5, 15),
                        None,
                        None,
                        "",
                        datetime.date(2021, 5, 1),
                        None,
                    )
                )
                shop_positions[wid].append(pid)
        bulk.insert(
            Workshop,
            (
                "id",
                "enterprise",
                "name",
                "region",
                "site_type",
                "creation_mode",
                "workshop_type",
                "industry",
                "address",
                "floor_area",
                "opened_on",
                "status",
                "status_since",
                "certificate_no",
                "recognized_on",
                "grace_until",
                "created_at",
            ),
            workshops,
        )
        bulk.insert(
            StatusChange,
            (
                "id",
                "workshop",
                "from_status",
                "to_status",
                "on",
                "reason",
                "overridden",
                "check_result",
                "actor",
                "at",
            ),
            changes,
        )
        bulk.insert(
            Position,
            (
                "id",
                "workshop",
                "region",
                "title",
                "headcount",
                "wage_min",
                "wage_max",
                "requirements",
                "posted_on",
                "closed_on",
            ),
            positions,
        )

        first_h, first_l, first_e = (
            bulk.next_id(Household),
            bulk.next_id(Laborer),
            bulk.next_id(Employment),
        )
        categories = (
            [Category.LIFTED_ENJOYING] * 5
            + [Category.LIFTED_NOT_ENJOYING] * 2
            + [Category.MONITORED, Category.GENERAL, Category.SUBSISTENCE]
        )
        shop_ids = list(shop_village)

        def households():
            for h in range(laborers // 2 + laborers % 2):
                category = categories[h % len(categories)]
                monitored = category == Category.MONITORED
                yield (
                    first_h + h,
                    f"户主{h}",
                    villages[h % len(villages)].code,
                    category,
                    MonitorType.UNSTABLE if monitored else "",
                    RiskStatus.NOT_CLEARED if monitored else "",
                    3,
                    "",
                    True,
                    now,
                )

        def people_and_jobs(jobs):
            for n in range(laborers):
                household = first_h + n // 2
                gender = "M" if n % 2 else "F"  # the sequence's parity, as in a real ID
                birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=13 * (n // 1000))
                body = f"430903{birth:%Y%m%d}{n % 1000:03d}"  # (date, sequence) is unique per n
                identity = prepare_identity(body + check_character(body))
                name = f"{SURNAMES[n % len(SURNAMES)]}{(MALE if gender == 'M' else FEMALE)[n % 30]}"
                pinyin, initials = pinyin_keys(name)
                lid = first_l + n
                yield (
                    lid,
                    household,
                    villages[(n // 2) % len(villages)].code,
                    name,
                    pinyin,
                    initials,
                    identity["id_cipher"],
                    identity["id_index"],
                    identity["id_masked"],
                    identity["gender"],
                    identity["birth_date"],
                    "",
                    LaborAbility.FULL,
                    "",
                    "",
                    WorkStatus.WORKSHOP,
                    "",
                    True,
                    now,
                )
                shop = shop_ids[n % len(shop_ids)]
                other = shop_ids[(n * 7 + 3) % len(shop_ids)]
                start1 = datetime.date(2022, 1 + n % 12, 1)
                end1 = add_months(start1, 6 + n % 9) - datetime.timedelta(days=1)
                start2 = end1 + datetime.timedelta(days=1 + n % 20)
                end2 = None if n % 4 else add_months(start2, 10)
                for k, (w, start, end) in enumerate(((shop, start1, end1), (other, start2, end2))):
                    jobs.append(
                        (
                            first_e + 2 * n + k,
                            lid,
                            w,
                            shop_positions[w][n % 2],
                            shop_village[w],
                            villages[(n // 2) % len(villages)].code,
                            start,
                            end,
                            ContractType.LABOR_CONTRACT,
                            2500,
                            "",
                            now,
                        )
                    )

        bulk.insert(
            Household,
            (
                "id",
                "head_name",
                "region",
                "category",
                "monitor_type",
                "risk_status",
                "members_count",
                "address",
                "is_active",
                "created_at",
            ),
            households(),
        )
        jobs = []
        bulk.insert(
            Laborer,
            (
                "id",
                "household",
                "region",
                "name",
                "name_pinyin",
                "name_initials",
                "id_cipher",
                "id_index",
                "id_masked",
                "gender",
                "birth_date",
                "phone",
                "labor_ability",
                "education",
                "skills",
                "work_status",
                "work_intention",
                "is_active",
                "created_at",
            ),
            people_and_jobs(jobs),
        )
        bulk.insert(
            Employment,
            (
                "id",
                "laborer",
                "workshop",
                "position",
                "region",
                "laborer_region",
                "start_date",
                "end_date",
                "contract_type",
                "monthly_wage",
                "leave_reason",
                "created_at",
            ),
            jobs,
        )
        bulk.reset_sequences(Workshop, StatusChange, Position, Household, Laborer, Employment)
    written = time.monotonic()
    figures = services.rebuild_all()
    return {
        "workshops": n_workshops,
        "laborers": laborers,
        "employments": len(jobs),
        "figures": sum(figures.values()),
        "rebuild_seconds": round(time.monotonic() - written, 1),
    }
