"""Summary tables the statistics read: one row per (period, region node, metric)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core.scoping import ScopedModel


class Figure(ScopedModel):
    """A KPI value for a period (``2023``, ``2023Q1``, ``2023-01``) and a region node.

    A node counts everything in its subtree (distinct laborers are distinct within the node),
    so a page reads one row per figure instead of aggregating registries.
    """

    period = models.CharField(_("period"), max_length=8)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    metric = models.CharField(_("metric"), max_length=48)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(fields=["period", "region", "metric"], name="figure_unique")
        ]
        indexes = [models.Index(fields=["region", "period"], name="figure_region_period")]

    def __str__(self):
        return f"{self.period} {self.region_id} {self.metric}={self.value}"


class DirtyYear(models.Model):
    """A year whose figures must be recomputed (registries changed); consumed by the job."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    marked_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.year)
