"""Import jobs over the API: upload (multipart) returns the job; poll it for status and
progress; confirm with a mode, or cancel."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from bangfu.audit.models import AccessAction
from bangfu.audit.services import log_access
from bangfu.core.api import ScopedViewSetMixin, call_service

from . import exports, services
from .models import ExportJob, ImportJob, ImportMode, JobStatus
from .registry import LEDGERS


class ImportJobSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()
    ledger = serializers.ChoiceField(choices=sorted(LEDGERS))
    file = serializers.FileField(write_only=True)
    duration = serializers.FloatField(read_only=True, allow_null=True)
    error_workbook = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "ledger",
            "file",
            "file_name",
            "sha256",
            "size",
            "user",
            "region",
            "status",
            "progress",
            "stage",
            "message",
            "mode",
            "rows",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "written",
            "error_count",
            "errors",
            "error_workbook",
            "created_at",
            "started_at",
            "finished_at",
            "duration",
        )
        read_only_fields = [name for name in fields if name not in ("ledger", "file")]

    def get_errors(self, job) -> list[dict] | None:
        """The row errors, for the uploader only (None for others: see the error count)."""
        return (
            job.errors
            if services.may_see_rejected_rows(self.context["request"].user, job)
            else None
        )

    def get_error_workbook(self, job) -> str | None:
        if not job.error_workbook or not services.may_see_rejected_rows(
            self.context["request"].user, job
        ):
            return None
        return reverse("api:import-errors", args=[job.pk], request=self.context["request"])


class ConfirmSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=ImportMode.choices)


class ImportJobViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """``POST`` a ledger file (multipart: ``ledger``, ``file``) to check it; ``GET`` the job
    for its status, progress, counts and row errors; ``POST …/confirm/`` with ``mode``
    (``all`` or ``valid``) to import it."""

    queryset = ImportJob.objects.select_related("user")
    serializer_class = ImportJobSerializer
    parser_classes = (MultiPartParser, FormParser, JSONParser)  # JSON: confirm, cancel

    def get_object(self):
        job = super().get_object()
        job.reap_if_stale()
        return job

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = call_service(
            services.create_import, self.request.user, data["ledger"], data["file"]
        )

    @extend_schema(request=ConfirmSerializer, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = self.get_object()
        form = ConfirmSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        job = call_service(services.confirm_import, request.user, job, form.validated_data["mode"])
        return Response(ImportJobSerializer(job, context={"request": request}).data)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = call_service(services.cancel_import, request.user, self.get_object())
        return Response(ImportJobSerializer(job, context={"request": request}).data)

    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        job = self.get_object()
        if not job.error_workbook or not services.may_see_rejected_rows(request.user, job):
            raise Http404
        log_access(request, AccessAction.EXPORT_PERSONAL, job, region=request.user.region)
        return FileResponse(
            job.error_workbook.open("rb"),
            as_attachment=True,
            filename=services.error_workbook_name(job),
        )


class ExportJobSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()
    status = serializers.ChoiceField(choices=list(exports.STATUS_LABELS.items()), read_only=True)
    status_label = serializers.SerializerMethodField()
    full_ids = serializers.SerializerMethodField()
    duration = serializers.FloatField(read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = (
            "id",
            "title",
            "ledger",
            "user",
            "status",
            "status_label",
            "progress",
            "stage",
            "message",
            "rows",
            "full_ids",
            "created_at",
            "started_at",
            "finished_at",
            "duration",
            "download",
        )
        read_only_fields = fields

    def get_status_label(self, job) -> str:
        return str(exports.status_label(job))

    def get_full_ids(self, job) -> bool:
        return bool((job.params or {}).get("full_ids"))

    def get_download(self, job) -> str | None:
        if job.status != JobStatus.DONE or not job.file:
            return None
        return reverse("api:export-download", args=[job.pk], request=self.context["request"])


class ExportJobViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Export jobs started from a list page (its export button, on a large view): ``GET`` one for
    its status and progress, then ``GET …/download/`` for the xlsx. Only the user who started
    an export (or a superuser) sees it."""

    queryset = ExportJob.objects.select_related("user")
    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return exports.only_own(super().get_queryset(), self.request.user)

    def get_object(self):
        job = super().get_object()
        job.reap_if_stale()
        job.refresh_from_db()
        return job

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != JobStatus.DONE or not job.file:
            raise Http404
        return exports.file_response(request, job)
