from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class PageLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login by default; the API answers 401/403 itself (DRF)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class BusyDatabaseMiddleware:
    """A request that found the database locked answers 503 "try again" instead of a server
    error: on SQLite a large ledger import holds the only write lock for up to a minute, and
    another writer gives up after ``busy_timeout`` with "database is locked"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, OperationalError) and "database is locked" in str(exception)):
            return None
        message = _(
            "The database is busy writing a large import. Wait a minute and try again; "
            "if you were saving something, check whether it was saved before repeating it."
        )
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "503.html", {"message": message}, status=503)
        response["Retry-After"] = "30"
        return response
