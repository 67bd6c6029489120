"""Enterprises, workshops (with their lifecycle) and the positions they develop."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangfu.core.dates import validate_plausible
from bangfu.core.phones import PhoneField
from bangfu.core.scoping import ScopedModel


class Industry(models.TextChoices):
    AGRI_PROCESSING = "agri_processing", _("Agricultural processing")
    HANDICRAFT = "handicraft", _("Handicrafts")
    GARMENT = "garment", _("Garment processing")
    ELECTRONICS = "electronics", _("Electronic assembly")
    BAMBOO_WOOD = "bamboo_wood", _("Bamboo and wood products")
    FOOD = "food", _("Food processing")
    FARMING = "farming", _("Farming and processing")
    OTHER = "other", _("Other")


class SiteType(models.TextChoices):
    VILLAGE = "village", _("Village / lifted-out village")
    RELOCATION = "relocation", _("Relocation resettlement site")
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    OTHER = "other", _("Other")


class CreationMode(models.TextChoices):
    UPGRADE = "upgrade", _("Upgrade of an existing site")
    JOINT = "joint", _("Jointly created")
    ORDER = "order", _("Formed around an order")


class Status(models.TextChoices):
    APPLYING = "applying", _("Application pending")
    RECOGNIZED = "recognized", _("Recognized")
    WATCH = "watch", _("Under watch")
    REMOVED = "removed", _("Removed")
    REJECTED = "rejected", _("Rejected")


class CriteriaGroup(models.TextChoices):
    FACTORY = "factory", _("Factory type")
    HOME = "home", _("Home-work type")


class Enterprise(ScopedModel):
    """经营主体: the company or cooperative that runs workshops."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=120)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = PhoneField(_("contact phone"))
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    operator_field = "workshops__operators"

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workshops:enterprise-detail", args=[self.pk])


class WorkshopType(models.Model):
    """Dictionary of workshop types (厂房式, 居家式, …) and which recognition criteria apply."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50)
    criteria_group = models.CharField(
        _("criteria group"),
        max_length=16,
        choices=CriteriaGroup.choices,
        default=CriteriaGroup.FACTORY,
    )
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("workshop type")
        verbose_name_plural = _("workshop types")

    def __str__(self):
        return self.name


class Workshop(ScopedModel):
    """就业帮扶车间, with a status that changes only through ``workshops.services``."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="workshops"
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=120)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    site_type = models.CharField(_("site type"), max_length=20, choices=SiteType.choices)
    creation_mode = models.CharField(
        _("creation mode"), max_length=16, choices=CreationMode.choices
    )
    workshop_type = models.ForeignKey(
        WorkshopType, verbose_name=_("workshop type"), on_delete=models.PROTECT
    )
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=10,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    opened_on = models.DateField(
        _("opened on"), null=True, blank=True, validators=[validate_plausible]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLYING, db_index=True
    )
    status_since = models.DateField(_("status since"), validators=[validate_plausible])
    certificate_no = models.CharField(_("certificate number"), max_length=50, blank=True)
    recognized_on = models.DateField(
        _("recognized on"), null=True, blank=True, validators=[validate_plausible]
    )
    grace_until = models.DateField(_("grace period ends"), null=True, blank=True)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("operators"), blank=True, related_name="workshops"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    operator_field = "operators"

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        permissions = [
            ("review_workshop", _("Can recognize, reject, watch, remove and restore workshops"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area__gte=0),
                name="workshop_floor_area_positive",
                violation_error_message=_("The floor area cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~Q(certificate_no=""),
                name="workshop_certificate_unique",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workshops:workshop-detail", args=[self.pk])


class StatusChange(models.Model):
    """One dated transition of a workshop, with who, why and the recognition check at the time."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    on = models.DateField(_("date"), validators=[validate_plausible])
    reason = models.TextField(_("reason"), blank=True)
    overridden = models.BooleanField(_("criteria overridden"), default=False)
    check_result = models.JSONField(_("recognition check"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["on", "at"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self):
        return f"{self.workshop}: {self.from_status} → {self.to_status} ({self.on})"


MAX_HEADCOUNT = 9999  # people one position recruits: a typo beyond it would swell every figure


class Position(ScopedModel):
    """岗位 developed at a workshop; "developed" in every year it is open."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.PROTECT, related_name="positions"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=80)
    headcount = models.PositiveIntegerField(
        _("headcount"), validators=[MinValueValidator(1), MaxValueValidator(MAX_HEADCOUNT)]
    )
    wage_min = models.DecimalField(
        _("minimum monthly wage"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    wage_max = models.DecimalField(
        _("maximum monthly wage"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    requirements = models.TextField(_("requirements"), blank=True)
    posted_on = models.DateField(_("posted on"), validators=[validate_plausible])
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=[validate_plausible]
    )

    operator_field = "workshop__operators"

    class Meta:
        ordering = ["workshop_id", "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__gte=1),
                name="position_headcount_positive",
                violation_error_message=_("The number of people to recruit must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("posted_on")),
                name="position_closed_after_posted",
                violation_error_message=_(
                    "The closing date is before the posting date; correct it or leave it empty."
                ),
            ),
            models.CheckConstraint(
                condition=Q(wage_min__isnull=True)
                | Q(wage_max__isnull=True)
                | Q(wage_max__gte=models.F("wage_min")),
                name="position_wage_range",
                violation_error_message=_(
                    "The maximum monthly wage is below the minimum; correct one of them."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.workshop} · {self.title}"

    def get_absolute_url(self):
        return reverse("workshops:position-detail", args=[self.pk])
