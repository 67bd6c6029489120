"""System checks that refuse a production start with insecure settings."""

from django.conf import settings
from django.core.checks import Error, register

MIN_SECRET_LENGTH = 50


@register()
def production_settings(app_configs, **kwargs):
    if not getattr(settings, "PRODUCTION", False):
        return []
    errors = []
    if settings.DEBUG:
        errors.append(
            Error("DEBUG must be off in production.", hint="Unset DEBUG.", id="bangfu.E001")
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS must list the host names the platform is served under.",
                hint="e.g. ALLOWED_HOSTS=bangfu.example.gov.cn",
                id="bangfu.E002",
            )
        )
    for name in ("SECRET_KEY", "PII_KEY"):
        value = getattr(settings, name)
        if (
            len(value) < MIN_SECRET_LENGTH
            or len(set(value)) < 10
            or value.startswith("django-insecure")
        ):
            errors.append(
                Error(
                    f"{name} is too weak for production.",
                    hint=f"Set {'BANGFU_PII_KEY' if name == 'PII_KEY' else name} to at least "
                    f"{MIN_SECRET_LENGTH} random characters, e.g. "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                    id="bangfu.E003",
                )
            )
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            Error(
                "Production runs on PostgreSQL.",
                hint="Set DATABASE_URL=postgres://user:password@host:5432/bangfu",
                id="bangfu.E004",
            )
        )
    return errors
