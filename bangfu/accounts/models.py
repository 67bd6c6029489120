"""Users with a role and a data-scope region."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from bangfu.core.phones import PhoneField
from bangfu.core.scoping import ScopedModel, ScopedQuerySet

from .roles import ROLES_BY_CODE, WORKSHOP_OPERATOR


class UserManager(DjangoUserManager.from_queryset(ScopedQuerySet)):
    pass


class User(ScopedModel, AbstractUser):
    """A platform user. Roles are Django groups named by role code (see ``roles.py``)."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("data scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees and edits this region and everything below it; empty: nothing."),
    )
    phone = PhoneField(_("phone"))
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [  # DISTRICT beside district, also when two are created at once
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_(
                    "A user with that username already exists (usernames are not case-sensitive)."
                ),
            )
        ]

    def get_absolute_url(self):
        return reverse("accounts:user-detail", args=[self.pk])

    @cached_property
    def scope_prefix(self):
        return self.region.scope_prefix if self.region_id else None

    @cached_property
    def role_codes(self):
        return [g.name for g in self.groups.all() if g.name in ROLES_BY_CODE]

    @cached_property
    def bound_to_workshops(self):
        """Workshop operators (and nothing more) see only the workshops they operate."""
        return not self.is_superuser and self.role_codes == [WORKSHOP_OPERATOR]

    @property
    def roles(self):
        return [ROLES_BY_CODE[code] for code in self.role_codes]

    @property
    def rank(self):
        """Highest role rank (superusers outrank every role)."""
        if self.is_superuser:
            return 1000
        return max((role.rank for role in self.roles), default=0)
