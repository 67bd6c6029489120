"""Column definitions of the ledgers (one source for the template, the reader and the notes)."""

from django.utils.translation import gettext_lazy as _

from bangfu.labor.models import (
    Category,
    Education,
    LaborAbility,
    MonitorType,
    RiskStatus,
    WorkStatus,
)

from .reader import Column


def choices(text_choices):
    return tuple((value, str(label)) for value, label in text_choices.choices)


def id_number_column(note):
    """The ID number column (text in the template, masked in row errors) of any ledger."""
    return Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "身份证"),
        True,
        note,
        text_format=True,
        masked=True,
    )


def phone_column(key):
    """A phone number column (text in the template) of any ledger."""
    return Column(
        key,
        "联系电话",
        ("手机号", "手机号码", "电话", "联系方式"),
        False,
        _("One number: an 11-digit mobile, or a landline with its area code (0737-4221234)."),
        text_format=True,
    )


LABORERS = (
    Column(
        "village",
        "所在村（社区）",
        ("村", "村名", "村代码", "所在村", "村（社区）", "行政村"),
        True,
        _("Village name or its 12-digit code, inside your data scope."),
    ),
    Column(
        "head_name",
        "户主姓名",
        ("户主",),
        True,
        _("The head of the household the laborer belongs to."),
    ),
    Column(
        "category",
        "户类别",
        ("户属性", "帮扶户类别", "户类型"),
        True,
        _("One of the listed categories."),
        choices(Category),
    ),
    Column(
        "monitor_type",
        "监测类型",
        ("监测对象类型",),
        False,
        _("Monitored households only."),
        choices(MonitorType),
    ),
    Column(
        "risk_status",
        "风险状态",
        ("风险消除情况",),
        False,
        _("Monitored households only."),
        choices(RiskStatus),
    ),
    Column("name", "姓名", ("劳动力姓名", "成员姓名"), True, _("The laborer's name.")),
    id_number_column(_("18 characters, formatted as text (a number cell loses the last digits).")),
    phone_column("phone"),
    Column(
        "labor_ability",
        "劳动能力",
        ("劳动力状况",),
        True,
        _("One of the listed values."),
        choices(LaborAbility),
    ),
    Column(
        "education",
        "文化程度",
        ("学历",),
        False,
        _("One of the listed values."),
        choices(Education),
    ),
    Column("skills", "技能", ("技能特长", "专业技能"), False, _("Separate skills with commas.")),
    Column(
        "work_status",
        "就业状态",
        ("转移就业状况", "务工状态", "就业状况"),
        True,
        _(
            "One of the listed values. A person employed at a workshop keeps “Employed at an "
            "assistance workshop” until the roster records their leaving."
        ),
        choices(WorkStatus),
    ),
    Column(
        "work_intention",
        "就业意愿",
        ("务工意愿",),
        False,
        _("Where and what the person would like to work."),
    ),
)
