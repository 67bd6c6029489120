from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaborConfig(AppConfig):
    name = "bangfu.labor"
    label = "labor"
    verbose_name = _("Laborers")

    def ready(self):
        from auditlog.registry import auditlog

        auditlog.register(self.get_model("Household"))
        # ID fields are ciphertext and index: never copied into the change log.
        auditlog.register(
            self.get_model("Laborer"),
            exclude_fields=["id_cipher", "id_index"],
            mask_fields=["phone"],
        )
        auditlog.register(self.get_model("Employment"))
        auditlog.register(self.get_model("WageRecord"))
