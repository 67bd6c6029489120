"""Writes to the audit trails."""

from .models import AccessLog, LoginLog


def client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def record_login(request, username, user=None, *, success):
    return LoginLog.objects.create(
        username=(username or "")[:150],
        user=user,
        region_id=getattr(user, "region_id", None),
        success=success,
        ip_address=client_ip(request) if request else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255] if request else "",
    )


def log_access(request, action, obj=None, *, detail="", region=None):
    """Record a sensitive read (the hook for "view full ID" and "export personal data").

    ``region`` defaults to the object's region, so auditors of that region see the event.
    """
    return record_access(
        request.user, action, obj, detail=detail, region=region, ip=client_ip(request)
    )


def record_access(user, action, obj=None, *, detail="", region=None, ip=None):
    """``log_access`` without a request (command-line exports)."""
    return AccessLog.objects.create(
        user=user,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_id=region.pk
        if region is not None
        else getattr(obj, "get_scope_code", lambda: None)(),
        detail=detail[:500],
        ip_address=ip,
    )
