"""Plain helpers that build registry data through the services (no factory_boy).

Identity numbers are synthetic: region 430903 + a birth date + a sequence, with the GB 11643
check character; credit codes get stdnum's check character; phones are obviously fake.
"""

import datetime
import itertools
from decimal import Decimal

from stdnum.cn import uscc as stdnum_uscc

from bangfu.accounts.models import User
from bangfu.accounts.services import create_user
from bangfu.core.identity import check_character
from bangfu.labor import services as labor_services
from bangfu.labor.models import (
    Category,
    ContractType,
    Education,
    LaborAbility,
    MonitorType,
    RiskStatus,
    WorkStatus,
)
from bangfu.regions.models import Region
from bangfu.workshops import services as workshop_services
from bangfu.workshops.models import (
    CreationMode,
    Industry,
    SiteType,
    Status,
    WorkshopType,
)

# Villages of 沧水铺镇 (430903105) and of 龙岭产业开发区 (430903402) in the demo data.
CSP_VILLAGE = "430903105201"
CSP_VILLAGE_2 = "430903105202"
LL_VILLAGE = "430903402001"
LL_VILLAGE_2 = "430903402002"
GOOD_PASSWORD = "Hs-2026-qwerty!x"

APPLIED_ON = datetime.date(2024, 1, 2)
RECOGNIZED_ON = datetime.date(2024, 2, 1)
WATCHED_ON = datetime.date(2024, 3, 1)
REMOVED_ON = datetime.date(2024, 4, 1)
POSTED_ON = datetime.date(2024, 1, 2)
HIRED_ON = datetime.date(2024, 3, 1)

_sequence = itertools.count(1)


def next_seq():
    return next(_sequence)


def region(code):
    return Region.objects.get(code=code)


def id_number(seq=None, *, birth=None, region_code="430903", male=True):
    """A valid synthetic 18-character resident ID, unique per ``seq``; the 17th digit is odd
    for men. Without ``birth`` the birth date moves on every 500 numbers (from 1970-01-01)."""
    seq = next_seq() if seq is None else seq
    if birth is None:
        birth = f"{datetime.date(1970, 1, 1) + datetime.timedelta(days=seq // 500):%Y%m%d}"
    serial = (seq % 500) * 2 + (1 if male else 0)
    body = f"{region_code}{birth}{serial:03d}"
    return body + check_character(body)


def id_number_ending_in_x(*, birth="19900101", male=True):
    """A valid ID whose check character is X (to test the lowercase ``x`` input)."""
    while True:
        number = id_number(birth=birth, male=male)
        if number.endswith("X"):
            return number


def uscc(seq=None):
    """A valid unified social credit code (check character from stdnum)."""
    seq = next_seq() if seq is None else seq
    body = f"91430903MA4{seq % 10**6:06d}"
    return body + stdnum_uscc.calc_check_digit(body)


def phone(seq=None):
    seq = next_seq() if seq is None else seq
    return f"138{seq % 10**8:08d}"


def workshop_type(code="factory"):
    return WorkshopType.objects.get(code=code)


def make_operator(actor, username, region_code, workshops=()):
    """A ``workshop_operator`` user created by ``actor`` and bound to ``workshops``."""
    user = create_user(
        actor,
        username=username,
        password=GOOD_PASSWORD,
        region=region(region_code),
        role_codes=["workshop_operator"],
    )
    for workshop in workshops:
        workshop.operators.add(user)
    return User.objects.get(pk=user.pk)  # fresh permission cache


def make_user(actor, username, region_code, role_code):
    create_user(
        actor,
        username=username,
        password=GOOD_PASSWORD,
        region=region(region_code),
        role_codes=[role_code],
    )
    return User.objects.get(username=username)


# --- workshops --------------------------------------------------------------------------------


def make_enterprise(user, region_code, *, name=None, **fields):
    seq = next_seq()
    data = {
        "name": name or f"测试企业{seq}",
        "uscc": uscc(seq),
        "legal_representative": "李四",
        "contact_person": "",
        "contact_phone": "",
        "industry": Industry.FOOD,
        "region": region(region_code),
        "address": "",
        "is_active": True,
    }
    data.update(fields)
    return workshop_services.save_enterprise(user, **data)


def apply_workshop(user, region_code, *, enterprise=None, name=None, **fields):
    """A workshop application (status “applying”) through ``services.apply``."""
    enterprise = enterprise or make_enterprise(user, region_code)
    data = {
        "enterprise": enterprise,
        "name": name or f"测试车间{next_seq()}",
        "region": region(region_code),
        "site_type": SiteType.VILLAGE,
        "creation_mode": CreationMode.UPGRADE,
        "workshop_type": workshop_type(fields.pop("type_code", "factory")),
        "industry": Industry.FOOD,
        "address": "",
        "floor_area": Decimal("150"),
        "opened_on": None,
        "applied_on": APPLIED_ON,
    }
    data.update(fields)
    return workshop_services.apply(user, **data)


def make_workshop(user, region_code, status=Status.RECOGNIZED, **fields):
    """A workshop brought to ``status`` through the lifecycle services."""
    workshop = apply_workshop(user, region_code, **fields)
    if status == Status.APPLYING:
        return workshop
    if status == Status.REJECTED:
        return workshop_services.reject(user, workshop, on=RECOGNIZED_ON, reason="材料不全")
    workshop = workshop_services.recognize(
        user,
        workshop,
        certificate_no=f"HS-{workshop.pk}-{next_seq()}",
        on=RECOGNIZED_ON,
        override_reason="测试数据：先认定后补录岗位",
    )
    if status == Status.RECOGNIZED:
        return workshop
    if status == Status.WATCH:
        return workshop_services.watch(user, workshop, on=WATCHED_ON, reason="用工人数下降")
    if status == Status.REMOVED:
        return workshop_services.remove(user, workshop, on=REMOVED_ON, reason="停产")
    raise ValueError(status)


def make_position(user, workshop, *, title=None, headcount=10, **fields):
    data = {
        "workshop": workshop,
        "title": title or f"岗位{next_seq()}",
        "headcount": headcount,
        "wage_min": None,
        "wage_max": None,
        "requirements": "",
        "posted_on": POSTED_ON,
        "closed_on": None,
    }
    data.update(fields)
    return workshop_services.save_position(user, **data)


# --- households and laborers ------------------------------------------------------------------


def laborer_data(name=None, *, number=None, **fields):
    """The fields of one laborer as ``services.register_household`` takes them."""
    data = {
        "name": name or f"劳动力{next_seq()}",
        "id_number": number or id_number(),
        "phone": phone(),
        "labor_ability": LaborAbility.FULL,
        "education": Education.JUNIOR,
        "skills": "缝纫",
        "work_status": WorkStatus.FARMING,
        "work_intention": "就近务工",
    }
    data.update(fields)
    return data


def household_data(region_code, *, head_name=None, category=Category.LIFTED_ENJOYING, **fields):
    data = {
        "head_name": head_name or f"户主{next_seq()}",
        "region": region(region_code),
        "category": category,
        "monitor_type": "",
        "risk_status": "",
        "members_count": 3,
        "address": "",
        "is_active": True,
    }
    if category == Category.MONITORED:
        data.update(monitor_type=MonitorType.MARGINAL, risk_status=RiskStatus.NOT_CLEARED)
    data.update(fields)
    return data


def make_household(user, region_code, laborers=1, **fields):
    """A household with ``laborers`` (a count, or a list of ``laborer_data`` dicts)."""
    if isinstance(laborers, int):
        laborers = [laborer_data() for _ in range(laborers)]
    return labor_services.register_household(user, household_data(region_code, **fields), laborers)


def make_laborer(user, region_code, name=None, **fields):
    """One laborer in a new household of the village ``region_code``."""
    category = fields.pop("category", Category.LIFTED_ENJOYING)
    household = make_household(
        user, region_code, laborers=[laborer_data(name, **fields)], category=category
    )
    return household.laborers.get()


def hire(user, laborer, position, *, start_date=HIRED_ON, monthly_wage=Decimal("2500")):
    return labor_services.hire(
        user,
        laborer=laborer,
        position=position,
        start_date=start_date,
        contract_type=ContractType.LABOR_CONTRACT,
        monthly_wage=monthly_wage,
    )


def wage(user, employment, month=None, amount=Decimal("2500")):
    month = month or employment.start_date.replace(day=1)
    return labor_services.record_wage(user, employment, month=month, amount=amount)


# --- a small world in two townships -----------------------------------------------------------


def build_township(user, village, tag):
    """Enterprise, workshop, position, household + laborer, employment and wage in ``village``.

    Every name carries ``tag`` so rows of the two townships are told apart in exports.
    """
    enterprise = make_enterprise(user, village, name=f"{tag}企业")
    workshop = make_workshop(user, village, enterprise=enterprise, name=f"{tag}车间")
    position = make_position(user, workshop, title=f"{tag}岗位")
    household = make_household(
        user, village, head_name=f"{tag}户主", laborers=[laborer_data(f"{tag}工人")]
    )
    laborer = household.laborers.get()
    employment = hire(user, laborer, position)
    wage_record = wage(user, employment)
    return {
        "enterprise": enterprise,
        "workshop": workshop,
        "position": position,
        "household": household,
        "laborer": laborer,
        "employment": employment,
        "wage": wage_record,
    }


def build_two_townships(user):
    """``{"csp": {...}, "ll": {...}}``: one of everything in 沧水铺镇 and in 龙岭产业开发区."""
    return {
        "csp": build_township(user, CSP_VILLAGE, "沧水"),
        "ll": build_township(user, LL_VILLAGE, "龙岭"),
    }
