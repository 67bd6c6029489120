import django_filters
from django.utils.translation import gettext_lazy as _

from .exports import STATUS_LABELS
from .models import ExportJob, ImportJob, JobStatus
from .registry import choices


class ImportJobFilter(django_filters.FilterSet):
    ledger = django_filters.ChoiceFilter(label=_("ledger"), choices=choices)
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    file_name = django_filters.CharFilter(label=_("file name"), lookup_expr="icontains")

    class Meta:
        model = ImportJob
        fields = ("ledger", "status", "file_name")


class ExportJobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=list(STATUS_LABELS.items()))
    title = django_filters.CharFilter(label=_("title"), lookup_expr="icontains")

    class Meta:
        model = ExportJob
        fields = ("status", "title")
