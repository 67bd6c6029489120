from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from bangfu.core.api import (
    ScopedModelViewSet,
    ScopedPrimaryKeyRelatedField,
    call_service,
    merged_fields,
    refuse_changes,
)
from bangfu.core.identity import mask_phone, validate_id_number
from bangfu.core.phones import TYPED_LENGTH
from bangfu.core.views import int_or_zero
from bangfu.regions.models import Region
from bangfu.workshops.models import Position

from . import selectors, services
from .filters import EmploymentFilter, HouseholdFilter, LaborerFilter, WageFilter
from .models import Employment, Household, Laborer, WageRecord


class IdCursorPagination(CursorPagination):
    """Keyset pagination: constant cost per page on large tables, no COUNT(*)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class HouseholdSerializer(serializers.ModelSerializer):
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())

    class Meta:
        model = Household
        fields = (
            "id",
            "head_name",
            "region",
            "category",
            "monitor_type",
            "risk_status",
            "members_count",
            "address",
            "is_active",
        )


class LaborerSerializer(serializers.ModelSerializer):
    """ID numbers are write-only: responses carry the masked copy, phones masked too."""

    household = ScopedPrimaryKeyRelatedField(queryset=Household.objects.all())
    id_number = serializers.CharField(write_only=True, required=False)
    phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = Laborer
        fields = (
            "id",
            "household",
            "name",
            "id_number",
            "id_masked",
            "gender",
            "birth_date",
            "phone",
            "phone_masked",
            "labor_ability",
            "education",
            "skills",
            "work_status",
            "work_intention",
            "is_active",
            "region",
        )
        read_only_fields = ("id_masked", "gender", "birth_date", "region")
        extra_kwargs = {"phone": {"write_only": True, "max_length": TYPED_LENGTH}}  # as typed

    def get_phone_masked(self, laborer) -> str:
        return mask_phone(laborer.phone)


class EmploymentSerializer(serializers.ModelSerializer):
    """Hire by ``laborer`` (an id in scope) or by ``id_number`` (any registered laborer, as an
    operator hiring someone new to the roster does)."""

    laborer = ScopedPrimaryKeyRelatedField(queryset=Laborer.objects.all(), required=False)
    id_number = serializers.CharField(write_only=True, required=False)
    position = ScopedPrimaryKeyRelatedField(queryset=Position.objects.all())

    class Meta:
        model = Employment
        fields = (
            "id",
            "laborer",
            "id_number",
            "workshop",
            "position",
            "start_date",
            "end_date",
            "contract_type",
            "monthly_wage",
            "leave_reason",
        )
        read_only_fields = ("workshop", "end_date", "leave_reason")
        validators = []  # the one-open-employment rule: database constraint + ``services.hire``


class LeaveSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class WageSerializer(serializers.ModelSerializer):
    employment = ScopedPrimaryKeyRelatedField(queryset=Employment.objects.all())

    class Meta:
        model = WageRecord
        fields = ("id", "employment", "month", "amount")
        validators = []  # a second POST for the same month corrects it (``services.record_wage``)
        extra_kwargs = {"month": {"input_formats": ["%Y-%m", "iso-8601"]}}  # 2024-03 or a date


class HouseholdViewSet(ScopedModelViewSet):
    """帮扶户 (households). Laborers are added through ``/api/v1/laborers/``."""

    queryset = Household.objects.select_related("region")
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.register_household, self.request.user, serializer.validated_data
        )

    update_service = staticmethod(services.update_household)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "id_number", str, description="Exact ID number (looked up by keyed index)"
            )
        ]
    )
)
class LaborerViewSet(ScopedModelViewSet):
    """脱贫劳动力. Find a person by exact ID with ``?id_number=``; never by listing IDs."""

    queryset = Laborer.objects.select_related("region")
    serializer_class = LaborerSerializer
    filterset_class = LaborerFilter
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        id_number = self.request.query_params.get("id_number")
        if id_number and self.action == "list":
            try:
                return selectors.search_laborers(queryset, validate_id_number(id_number))
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({"id_number": exc.messages}) from exc
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        household = data.pop("household")
        if not data.get("id_number"):
            raise exceptions.ValidationError({"id_number": [_("Give the ID number.")]})
        serializer.instance = call_service(
            services.add_laborer, self.request.user, household, **data
        )

    def perform_update(self, serializer):
        refuse_changes(
            serializer,
            ("household",),
            _("A laborer's household cannot be changed."),
        )
        data = merged_fields(serializer)
        data.pop("household", None)
        serializer.instance = call_service(
            services.update_laborer, self.request.user, serializer.instance, **data
        )


class EmploymentViewSet(ScopedModelViewSet):
    """用工记录. ``POST`` hires; ``POST {id}/leave/`` records leaving."""

    queryset = Employment.objects.select_related("laborer", "workshop", "position")
    serializer_class = EmploymentSerializer
    filterset_class = EmploymentFilter
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        id_number = data.pop("id_number", None)
        if id_number:
            try:
                data["laborer"] = services.find_by_id_number(id_number)
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({"id_number": exc.messages}) from exc
            if data["laborer"] is None:
                message = _("No laborer with this ID number is registered.")
                raise exceptions.ValidationError({"id_number": [message]})
        if data.get("laborer") is None:
            message = _("Give the laborer or their ID number.")
            raise exceptions.ValidationError({"laborer": [message]})
        serializer.instance = call_service(services.hire, self.request.user, **data)

    @extend_schema(request=LeaveSerializer, responses=EmploymentSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        employment = (
            Employment.objects.restrict(request.user, "change").filter(pk=int_or_zero(pk)).first()
        )
        if employment is None:
            raise exceptions.NotFound()
        payload = LeaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(services.leave, request.user, employment, **payload.validated_data)
        return Response(
            EmploymentSerializer(employment, context=self.get_serializer_context()).data
        )


class WageViewSet(ScopedModelViewSet):
    """月度工资. ``POST`` records or corrects the wage of one month."""

    queryset = WageRecord.objects.select_related("employment")
    serializer_class = WageSerializer
    filterset_class = WageFilter
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(
            services.record_wage, self.request.user, data.pop("employment"), **data
        )
