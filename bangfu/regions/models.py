"""行政区划: the administrative-division tree every scoped record hangs from."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bangfu.core.scoping import ScopedModel


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / subdistrict")
    VILLAGE = "village", _("Village / community")


# Significant digits of a 12-digit statistical code at each level (the scope prefix length).
LEVEL_DIGITS = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
# Which level may sit under which.
CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


class Region(ScopedModel):
    """A division keyed by its 12-digit code, so foreign-key columns hold codes."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    aliases = models.CharField(
        _("aliases"), max_length=255, blank=True, help_text=_("Other names, separated by ';'.")
    )
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Demo data, not an official division.")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    scope_field = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"),
                name="region_code_12_digits",
                violation_error_message=_("The code must be exactly 12 digits."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:detail", args=[self.code])

    @property
    def scope_prefix(self):
        """The code prefix shared by this region and everything below it."""
        return self.code[: LEVEL_DIGITS[self.level]]

    @property
    def alias_list(self):
        return [a.strip() for a in self.aliases.split(";") if a.strip()]

    def contains(self, code):
        return code.startswith(self.scope_prefix)
