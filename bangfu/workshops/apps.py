from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "bangfu.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        from auditlog.registry import auditlog

        for name in ("Enterprise", "Workshop", "Position"):
            auditlog.register(self.get_model(name))
