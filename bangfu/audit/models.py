"""Audit trails: login attempts, access to personal data, and object changes."""

from auditlog.models import LogEntry
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core.scoping import ScopedModel


class LoginLog(ScopedModel):
    """One login attempt, successful or not. ``region`` is the user's scope at the time."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    username = models.CharField(_("username"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("user"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    success = models.BooleanField(_("success"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("login log")
        verbose_name_plural = _("login logs")

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M:%S}"


class AccessAction(models.TextChoices):
    VIEW_FULL_ID = "view_full_id", _("Viewed a full ID number")
    EXPORT_PERSONAL = "export_personal", _("Exported personal data")


class AccessLog(ScopedModel):
    """A sensitive read: a full ID number shown, or personal data exported."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=32, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log")
        verbose_name_plural = _("access logs")

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.object_repr}"


class ChangeLogEntry(ScopedModel, LogEntry):
    """django-auditlog's change log, scoped by the region of the user who made the change."""

    scope_field = "actor__region__code"

    class Meta:
        proxy = True
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
