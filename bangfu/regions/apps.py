from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "bangfu.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self):
        from auditlog.registry import auditlog

        auditlog.register(self.get_model("Region"))
