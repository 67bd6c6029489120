from django.shortcuts import redirect

from bangfu.core.views import ObjectListView

from .filters import AccessLogFilter, ChangeLogFilter, LoginLogFilter
from .models import AccessLog, ChangeLogEntry, LoginLog
from .tables import AccessLogTable, ChangeLogTable, LoginLogTable

TABS = "audit/log_list.html"


class LoginLogListView(ObjectListView):
    model = LoginLog
    table_class = LoginLogTable
    filterset_class = LoginLogFilter
    template_name = TABS


class AccessLogListView(ObjectListView):
    model = AccessLog
    table_class = AccessLogTable
    filterset_class = AccessLogFilter
    template_name = TABS

    def get_queryset(self):
        return super().get_queryset().select_related("user", "region")


class ChangeLogListView(ObjectListView):
    model = ChangeLogEntry
    table_class = ChangeLogTable
    filterset_class = ChangeLogFilter
    template_name = TABS

    def get_queryset(self):
        return super().get_queryset().select_related("actor", "content_type").order_by("-timestamp")


def index(request):
    return redirect("audit:logins")
