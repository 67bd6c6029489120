from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .periods import parse

PARAMETERS = [
    OpenApiParameter("year", str, description="Period: 2023, 2023Q2 or 2023-05", required=True),
    OpenApiParameter("region", str, description="Region code (default: the user's data scope)"),
]
SUMMARY = inline_serializer(
    "StatsSummary",
    {
        "year": serializers.CharField(),
        "region": serializers.CharField(),
        "region_name": serializers.CharField(),
        "workshops": serializers.IntegerField(),
        "laborers_employed": serializers.IntegerField(),
        "laborers_on_payroll": serializers.IntegerField(),
        "positions": serializers.IntegerField(),
        "positions_prev": serializers.IntegerField(),
        "positions_change": serializers.IntegerField(),
        "details": serializers.DictField(child=serializers.FloatField()),
    },
)


class CanViewFigures(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm("stats.view_figure")
        )


class StatsView(APIView):
    permission_classes = [CanViewFigures]

    def period_and_region(self, request):
        if not request.query_params.get("year"):
            message = _("The period is required: year=2023, 2023Q2 or 2023-05.")
            raise exceptions.ValidationError({"year": [message]})
        try:
            period = parse(request.query_params["year"])
        except ValueError as exc:
            message = _("Give the period as 2023, 2023Q2 or 2023-05 (years 2000–2100).")
            raise exceptions.ValidationError({"year": [message]}) from exc
        code = request.query_params.get("region")
        region = (
            selectors.visible_region(request.user, code)
            if code
            else selectors.default_region(request.user)
        )
        if region is None or not selectors.visible_region(request.user, region.code):
            raise exceptions.NotFound(_("No such region in your data scope."))
        return period, region


class SummaryView(StatsView):
    """The headline figures of a period and region, from the summary tables."""

    @extend_schema(parameters=PARAMETERS, responses=SUMMARY)
    def get(self, request):
        period, region = self.period_and_region(request)
        return Response(selectors.summary(request.user, period.key, region))


class ByRegionView(StatsView):
    """One row per child region (townships of a district, villages of a township) and the total."""

    @extend_schema(
        parameters=PARAMETERS,
        responses=inline_serializer(
            "StatsByRegion",
            {
                "year": serializers.CharField(),
                "region": serializers.CharField(),
                "rows": serializers.ListField(child=serializers.DictField()),
                "total": serializers.DictField(),
            },
        ),
    )
    def get(self, request):
        period, region = self.period_and_region(request)
        rows, total = selectors.by_child_region(request.user, period.key, region)
        return Response({"year": period.key, "region": region.code, "rows": rows, "total": total})
