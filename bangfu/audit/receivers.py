"""Login signals → LoginLog rows."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .services import record_login


@receiver(user_logged_in, dispatch_uid="audit_login_success")
def on_login(sender, request, user, **kwargs):
    record_login(request, user.get_username(), user, success=True)


@receiver(user_login_failed, dispatch_uid="audit_login_failure")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    user = get_user_model().objects.filter(username=username).first()
    record_login(request, username, user, success=False)
