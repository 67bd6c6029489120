from django.utils.translation import gettext as _
from rest_framework import serializers

from bangfu.core.api import (
    ScopedModelViewSet,
    ScopedPrimaryKeyRelatedField,
    call_service,
    refuse_changes,
)

from . import services
from .filters import RegionFilter
from .models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        allow_null=True,
        default=None,  # none: a top-level region
    )

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "aliases", "synthetic", "note")
        extra_kwargs = {"code": {"validators": []}}


class RegionViewSet(ScopedModelViewSet):
    """行政区划 (administrative regions). Writes go through ``regions.services``; no deletes."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ("code", "name", "level")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    create_service = staticmethod(services.create_region)

    def perform_update(self, serializer):
        region = serializer.instance
        data = serializer.validated_data
        refuse_changes(
            serializer,
            ("code", "level", "parent"),
            _("The code, level and parent of a region are fixed once it is created."),
        )
        serializer.instance = call_service(
            services.update_region,
            self.request.user,
            region,
            name=data.get("name", region.name),
            aliases=data.get("aliases", region.aliases),
            synthetic=data.get("synthetic", region.synthetic),
            note=data.get("note", region.note),
        )
