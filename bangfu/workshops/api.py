import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from bangfu.core.api import (
    ScopedModelViewSet,
    ScopedPrimaryKeyRelatedField,
    call_service,
)
from bangfu.core.phones import TYPED_LENGTH
from bangfu.regions.models import Region

from . import services
from .filters import EnterpriseFilter, PositionFilter, WorkshopFilter
from .models import Enterprise, Position, StatusChange, Workshop


class EnterpriseSerializer(serializers.ModelSerializer):
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "name",
            "uscc",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "industry",
            "region",
            "address",
            "is_active",
        )
        extra_kwargs = {
            "uscc": {"validators": []},
            "contact_phone": {"max_length": TYPED_LENGTH},  # as typed: normalized by the service
        }


class StatusChangeSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = StatusChange
        fields = (
            "from_status",
            "to_status",
            "on",
            "reason",
            "overridden",
            "check_result",
            "actor",
            "at",
        )


class WorkshopSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())

    class Meta:
        model = Workshop
        fields = (
            "id",
            "enterprise",
            "name",
            "region",
            "site_type",
            "creation_mode",
            "workshop_type",
            "industry",
            "address",
            "floor_area",
            "opened_on",
            "status",
            "status_since",
            "certificate_no",
            "recognized_on",
            "grace_until",
        )
        read_only_fields = (
            "status",
            "status_since",
            "certificate_no",
            "recognized_on",
            "grace_until",
        )


class TransitionSerializer(serializers.Serializer):
    on = serializers.DateField(default=datetime.date.today)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    certificate_no = serializers.CharField(required=False, allow_blank=True)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    grace_until = serializers.DateField(required=False, allow_null=True)


class PositionSerializer(serializers.ModelSerializer):
    workshop = ScopedPrimaryKeyRelatedField(queryset=Workshop.objects.all())

    class Meta:
        model = Position
        fields = (
            "id",
            "workshop",
            "title",
            "headcount",
            "wage_min",
            "wage_max",
            "requirements",
            "posted_on",
            "closed_on",
        )


class EnterpriseViewSet(ScopedModelViewSet):
    """经营主体. The credit code is validated (GB 32100) and unique."""

    queryset = Enterprise.objects.select_related("region")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ("name", "uscc", "region")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    create_service = update_service = staticmethod(services.save_enterprise)


def _transition(step, service, fields):
    """A ``POST {id}/<step>/`` action running one lifecycle service."""

    def view(self, request, pk=None):
        workshop = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = {k: v for k, v in payload.validated_data.items() if k in fields and v is not None}
        data.update({k: "" for k in fields if k in ("certificate_no", "reason") and k not in data})
        call_service(service, request.user, workshop, **data)
        workshop.refresh_from_db()
        return Response(WorkshopSerializer(workshop, context=self.get_serializer_context()).data)

    view.__name__ = view.__qualname__ = step
    view.__doc__ = f"Lifecycle step “{step}” (fields: {', '.join(fields)})."
    view = action(detail=True, methods=["post"], url_path=step)(view)
    return extend_schema(request=TransitionSerializer, responses=WorkshopSerializer)(view)


class WorkshopViewSet(ScopedModelViewSet):
    """就业帮扶车间. Status changes only through the transition actions (认定, 清理, …)."""

    queryset = Workshop.objects.select_related("enterprise", "region", "workshop_type")
    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter
    ordering_fields = ("name", "region", "status", "status_since", "opened_on")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in {"recognize", "reject", "watch", "remove", "restore", "resubmit"}:
            return queryset.model.objects.restrict(self.request.user, "change")
        return queryset

    create_service = staticmethod(services.apply)
    update_service = staticmethod(services.update_workshop)

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        workshop = self.get_object()
        return Response(
            StatusChangeSerializer(workshop.history.select_related("actor"), many=True).data
        )

    @action(detail=True, methods=["get"], url_path="recognition-check")
    def recognition_check(self, request, pk=None):
        """Each recognition criterion in force today: required, actual, passed, source."""
        return Response([c.__dict__ for c in services.recognition_check(self.get_object())])

    recognize = _transition(
        "recognize", services.recognize, ("on", "certificate_no", "override_reason")
    )
    reject = _transition("reject", services.reject, ("on", "reason"))
    watch = _transition("watch", services.watch, ("on", "reason", "grace_until"))
    remove = _transition("remove", services.remove, ("on", "reason"))
    restore = _transition("restore", services.restore, ("on", "reason"))
    resubmit = _transition("resubmit", services.resubmit, ("on", "reason"))


class PositionViewSet(ScopedModelViewSet):
    """岗位 of workshops (operators: of their own workshops)."""

    queryset = Position.objects.select_related("workshop")
    serializer_class = PositionSerializer
    filterset_class = PositionFilter
    ordering_fields = ("title", "posted_on", "headcount")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    create_service = update_service = staticmethod(services.save_position)
