"""Shared models: versioned policy parameters."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedModel, ScopedQuerySet

# What each parameter key means (keys are stable identifiers used by the services).
PARAMETER_LABELS = {
    "recognition.factory.min_floor_area": _("Recognition, factory type: minimum floor area (m²)"),
    "recognition.factory.min_positions": _("Recognition, factory type: minimum positions"),
    "recognition.factory.min_poor_laborers": _(
        "Recognition, factory type: minimum poverty-alleviated laborers"
    ),
    "recognition.home.min_poor_laborers": _(
        "Recognition, home-work type: minimum poverty-alleviated laborers"
    ),
    "workshop.watch_grace_months": _("Months of grace for a workshop under watch"),
}
# The values each key may take: (least, most, whole numbers only); other keys: at least 0.
PARAMETER_RANGES = {
    "recognition.factory.min_floor_area": (0, 100_000, False),
    "recognition.factory.min_positions": (0, 10_000, True),
    "recognition.factory.min_poor_laborers": (0, 10_000, True),
    "recognition.home.min_poor_laborers": (0, 10_000, True),
    "workshop.watch_grace_months": (1, 24, True),
}


class ParameterQuerySet(ScopedQuerySet):
    def value_at(self, key, on_date, region_code):
        """The parameter in force on ``on_date`` for ``region_code`` (most specific region wins)."""
        candidates = [
            p
            for p in self.filter(key=key, effective_from__lte=on_date).order_by("-effective_from")
            if region_code.startswith(p.region_prefix)
            and (p.effective_to is None or p.effective_to >= on_date)
        ]
        # the most specific region, then the latest date; of two versions for one date, the
        # one added last (a correction)
        candidates.sort(key=lambda p: (len(p.region_prefix), p.effective_from, p.pk), reverse=True)
        return candidates[0] if candidates else None


class Parameter(ScopedModel):
    """A policy rule's number, versioned: effective dates, the region it applies to, its source.

    Rules change by province, year and policy document, so they are data, never constants.
    """

    key = models.CharField(_("key"), max_length=80, db_index=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    region_prefix = models.CharField(
        _("region prefix"), max_length=12, blank=True, help_text=_("Empty: everywhere; 43: Hunan.")
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.CharField(_("source document"), max_length=200)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = ParameterQuerySet.as_manager()

    class Meta:
        ordering = ["key", "region_prefix", "-effective_from"]
        verbose_name = _("policy parameter")
        verbose_name_plural = _("policy parameters")

    def __str__(self):
        return f"{self.key}={self.value} ({self.source})"

    def get_absolute_url(self):
        return reverse("core:parameter-list") + f"?key={self.key}"

    @property
    def label(self):
        return PARAMETER_LABELS.get(self.key, self.key)

    @classmethod
    def scope_q(cls, user, prefix, action="view"):
        """Rules that apply in the user's region: everywhere, above it (province) or inside it."""
        above = [prefix[:n] for n in range(len(prefix) + 1)]
        return Q(region_prefix__in=above) | Q(region_prefix__startswith=prefix)
