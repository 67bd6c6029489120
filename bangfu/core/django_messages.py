"""Messages of Django itself that its zh_Hans catalog does not translate (Django 5.2.19 changed
the password-length message's placeholder), marked here so that ``make messages`` keeps their
translations in ours. Nothing imports this module."""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
