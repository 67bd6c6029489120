"""API base classes: every viewset reads through ``restrict`` (the scoping choke point)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, viewsets
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .permissions import METHOD_ACTIONS


class ScopedViewSetMixin:
    """``get_queryset`` through ``restrict``: objects outside the scope are 404s."""

    queryset = None  # set on subclasses: the unrestricted base queryset (for the schema)

    def get_queryset(self):
        action = METHOD_ACTIONS.get(self.request.method, "view")
        base = self.queryset.all()
        return base.restrict(self.request.user, action)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Writes go through services: ``create_service(user, **data)`` and
    ``update_service(user, instance, **current values overlaid with the input)``."""

    create_service = None
    update_service = None

    def perform_create(self, serializer):
        serializer.instance = call_service(
            self.create_service, self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = call_service(
            self.update_service, self.request.user, serializer.instance, **merged_fields(serializer)
        )


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only objects the requesting user may see."""

    def get_queryset(self):
        return super().get_queryset().restrict(self.context["request"].user, "view")


def refuse_changes(serializer, names, message):
    """A 400 for each field of ``names`` the request gives and would change on the existing
    object (fixed once it is created): refused with ``message``, not silently kept. A field
    the request leaves out (a PUT without it) changes nothing."""
    data, instance, given = serializer.validated_data, serializer.instance, serializer.initial_data
    changed = {
        name: [message]
        for name in names
        if name in given and name in data and data[name] != getattr(instance, name)
    }
    if changed:
        raise serializers.ValidationError(changed)


def call_service(service, *args, **kwargs):
    """Run a service for the API, turning Django's errors into DRF's (400 / 403)."""
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as exc:  # field errors by field, the others as DRF's are
        detail = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
        raise exceptions.ValidationError(detail) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


def merged_fields(serializer):
    """The instance's current values overlaid with the validated input (for partial updates)."""
    names = [name for name, field in serializer.fields.items() if not field.read_only]
    instance = serializer.instance
    current = {name: getattr(instance, name) for name in names if hasattr(instance, name)}
    return {**current, **serializer.validated_data}


def exception_handler(exc, context):
    """DRF's handler, but a missing object is DRF's own translated "Not found." — Django's
    ``get_object_or_404`` message names the model in English ("No Workshop matches …")."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
