"""Assisted households, their laborers, employment at workshops and monthly wages."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bangfu.core.dates import validate_plausible
from bangfu.core.phones import PhoneField
from bangfu.core.scoping import ScopedModel


class Category(models.TextChoices):
    LIFTED_ENJOYING = "lifted_enjoying", _("Lifted out, still receiving support")
    LIFTED_NOT_ENJOYING = "lifted_not_enjoying", _("Lifted out, no longer receiving support")
    MONITORED = "monitored", _("Monitored household")
    SUBSISTENCE = "subsistence", _("Rural subsistence allowance")
    EXTREME_POOR = "extreme_poor", _("Extreme poverty support")
    GENERAL = "general", _("General household")


# Households whose members count as "poverty-alleviated laborers" in the bureau's figures.
MAX_MEMBERS = 99  # people in one household, at most (a typo beyond)
ASSISTED_CATEGORIES = (Category.LIFTED_ENJOYING, Category.LIFTED_NOT_ENJOYING, Category.MONITORED)


class MonitorType(models.TextChoices):
    UNSTABLE = "unstable", _("Unstable after lifting out")
    MARGINAL = "marginal", _("Marginal, easily impoverished")
    SUDDEN = "sudden", _("Sudden severe hardship")


class RiskStatus(models.TextChoices):
    NOT_CLEARED = "not_cleared", _("Risk not cleared")
    CLEARED = "cleared", _("Risk cleared")


class LaborAbility(models.TextChoices):
    FULL = "full", _("Full labor ability")
    PARTIAL = "partial", _("Partial labor ability")
    NONE = "none", _("No labor ability")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle / vocational school")
    COLLEGE = "college", _("College or above")


class WorkStatus(models.TextChoices):
    """转移就业状况 codes of the provincial labor records, plus workshop employment."""

    WORKSHOP = "workshop", _("Employed at an assistance workshop")
    FARMING = "02", _("Farming")
    RETURNED_UNEMPLOYED = "03", _("Returned, not employed")
    MIGRANT = "04", _("Working away from home")
    SELF_EMPLOYED = "05", _("Self-employed / entrepreneur")
    FLEXIBLE = "07", _("Flexible employment")
    NOT_TRANSFERRED = "99", _("Not transferred")


class ContractType(models.TextChoices):
    LABOR_CONTRACT = "labor_contract", _("Labor contract")
    SERVICE_AGREEMENT = "service_agreement", _("Labor service agreement")
    PIECEWORK = "piecework", _("Piecework contract")


class Household(ScopedModel):
    """帮扶户, registered in its village."""

    head_name = models.CharField(_("head of household"), max_length=50)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    monitor_type = models.CharField(
        _("monitoring type"), max_length=16, choices=MonitorType.choices, blank=True
    )
    risk_status = models.CharField(
        _("risk status"), max_length=16, choices=RiskStatus.choices, blank=True
    )
    members_count = models.PositiveSmallIntegerField(
        _("members"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEMBERS)],  # SQLite takes any
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "head_name"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.CheckConstraint(
                condition=Q(category="monitored", monitor_type__gt="", risk_status__gt="")
                | (~Q(category="monitored") & Q(monitor_type="")),
                name="household_monitor_fields",
                violation_error_message=_(
                    "A monitored household needs its monitoring type and risk status."
                ),
            ),
        ]

    def __str__(self):
        return _("%(name)s household") % {"name": self.head_name}

    def get_absolute_url(self):
        return reverse("labor:household-detail", args=[self.pk])


class HouseholdIncome(models.Model):
    """Annual per-capita net income of a household (the monitoring line compares against it)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"))
    per_capita_income = models.DecimalField(
        _("per-capita income (yuan)"), max_digits=10, decimal_places=2
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("household income")
        verbose_name_plural = _("household incomes")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="household_income_year_unique"
            )
        ]

    def __str__(self):
        return f"{self.household} {self.year}: {self.per_capita_income}"


class Laborer(ScopedModel):
    """脱贫劳动力. ID number stored encrypted, with a keyed blind index and a masked copy."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="laborers"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False)  # indexed: see Meta
    name_initials = models.CharField(max_length=50, editable=False)
    id_cipher = models.TextField(editable=False)
    id_index = models.CharField(max_length=64, editable=False)  # unique: see Meta
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    gender = models.CharField(
        _("gender"), max_length=1, choices=[("M", _("Male")), ("F", _("Female"))], editable=False
    )
    birth_date = models.DateField(_("birth date"), editable=False)
    phone = PhoneField(_("phone"))
    labor_ability = models.CharField(
        _("labor ability"), max_length=16, choices=LaborAbility.choices
    )
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    skills = models.CharField(
        _("skills"), max_length=200, blank=True, help_text=_("Separate skills with commas.")
    )
    work_status = models.CharField(_("work status"), max_length=16, choices=WorkStatus.choices)
    work_intention = models.CharField(_("work intention"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    operator_field = "employments__workshop__operators"

    class Meta:
        ordering = ["region_id", "name_pinyin"]
        verbose_name = _("laborer")
        verbose_name_plural = _("laborers")
        permissions = [("view_full_id", _("Can see full ID numbers"))]
        constraints = [
            # a constraint, not unique=True: PostgreSQL then gets no second LIKE index on the
            # blind index, which is only ever matched exactly (one index less per imported row)
            models.UniqueConstraint(fields=["id_index"], name="laborer_id_index_unique"),
        ]
        indexes = [
            # for sorting by name; the search (``selectors.search_laborers``) ORs the pinyin
            # and initials prefixes with a name-contains match, which no B-tree serves, so they
            # have no LIKE index (each would be built again on every large import, unused)
            models.Index(fields=["name_pinyin"], name="laborer_name_pinyin"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("labor:laborer-detail", args=[self.pk])


class Employment(ScopedModel):
    """用工记录: a laborer employed at a workshop; at most one open employment per laborer."""

    laborer = models.ForeignKey(
        Laborer, verbose_name=_("laborer"), on_delete=models.PROTECT, related_name="employments"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    position = models.ForeignKey(
        "workshops.Position",
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("workshop region"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    laborer_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("laborer region"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    start_date = models.DateField(_("start date"), validators=[validate_plausible])
    end_date = models.DateField(
        _("end date"), null=True, blank=True, validators=[validate_plausible]
    )
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices
    )
    monthly_wage = models.DecimalField(
        _("monthly wage (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    leave_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    operator_field = "workshop__operators"

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("employment")
        verbose_name_plural = _("employment")
        constraints = [
            models.UniqueConstraint(
                fields=["laborer"],
                condition=Q(end_date__isnull=True),
                name="one_open_employment_per_laborer",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="employment_ends_after_start",
                violation_error_message=_(
                    "The leaving date is before the start date; correct one of them."
                ),
            ),
            models.CheckConstraint(
                condition=Q(monthly_wage__gte=0),
                name="employment_wage_positive",
                violation_error_message=_("The monthly wage cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.laborer} @ {self.workshop}"

    def get_absolute_url(self):
        return reverse("labor:employment-detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, prefix, action="view"):
        """Visible where the workshop or the laborer's home village is in scope; changed only
        where the workshop is."""
        q = super().scope_q(user, prefix, action)
        if user.bound_to_workshops or action != "view":
            return q
        return q | Q(laborer_region__code__startswith=prefix)


class WageRecord(ScopedModel):
    """月度工资: wage paid for one month of one employment."""

    employment = models.ForeignKey(
        Employment, verbose_name=_("employment"), on_delete=models.PROTECT, related_name="wages"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("workshop region"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    month = models.DateField(
        _("month"),
        help_text=_("The first day of the month paid for."),
        validators=[validate_plausible],
    )
    amount = models.DecimalField(
        _("amount paid (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    operator_field = "employment__workshop__operators"

    class Meta:
        ordering = ["-month", "employment_id"]
        verbose_name = _("wage record")
        verbose_name_plural = _("wage records")
        constraints = [
            models.UniqueConstraint(fields=["employment", "month"], name="wage_once_per_month"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="wage_amount_positive",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.employment} {self.month:%Y-%m}"
