from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bangfu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from auditlog.registry import auditlog

        from .services import sync_roles_after_migrate

        auditlog.register(
            self.get_model("User"),
            exclude_fields=["password", "last_login"],
            mask_fields=["phone"],
            m2m_fields={"groups"},
        )
        post_migrate.connect(sync_roles_after_migrate, sender=self)
