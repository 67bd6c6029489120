import django_filters
from django.utils.translation import gettext_lazy as _

from bangfu.core.filters import ScopedFilterSet

from .models import AccessAction, AccessLog, ChangeLogEntry, LoginLog


class DateRangeFilterSet(ScopedFilterSet):
    since = django_filters.DateFilter(label=_("from"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("to"), field_name="at", lookup_expr="date__lte")


class LoginLogFilter(DateRangeFilterSet):
    username = django_filters.CharFilter(label=_("username"), lookup_expr="icontains")
    success = django_filters.BooleanFilter(label=_("success"))

    class Meta:
        model = LoginLog
        fields = ["username", "success", "since", "until"]


class AccessLogFilter(DateRangeFilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=AccessAction.choices)
    user = django_filters.CharFilter(
        label=_("user"), field_name="user__username", lookup_expr="icontains"
    )

    class Meta:
        model = AccessLog
        fields = ["action", "user", "since", "until"]


class ChangeLogFilter(ScopedFilterSet):
    since = django_filters.DateFilter(
        label=_("from"), field_name="timestamp", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=_("to"), field_name="timestamp", lookup_expr="date__lte"
    )
    actor = django_filters.CharFilter(
        label=_("actor"), field_name="actor__username", lookup_expr="icontains"
    )
    object_repr = django_filters.CharFilter(label=_("object"), lookup_expr="icontains")

    class Meta:
        model = ChangeLogEntry
        fields = ["actor", "object_repr", "since", "until"]
