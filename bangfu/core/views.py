"""Generic scoped views: list (filters, sorting, pagination, htmx), detail, create/edit.

Every view reads its objects through ``Model.objects.restrict(user, action)``; an object
outside the user's scope is a 404, exactly like one that does not exist. Writes go through a
service function named by the subclass, whose ``ValidationError`` becomes form errors and
whose ``PermissionDenied`` becomes a 403.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from bangfu.audit.models import AccessAction
from bangfu.audit.services import log_access

from . import exports, search, services
from .filters import ParameterFilter
from .forms import ParameterForm
from .models import Parameter
from .scoping import visible
from .tables import ParameterTable


def int_or_zero(value):
    """A query-string id as an int (0 for anything else: matches nothing, never a 500)."""
    return int(value) if value and str(value).isdigit() and len(str(value)) < 19 else 0


def add_service_errors(form, exc):
    """Put a service's ValidationError next to the matching fields; the others at the top,
    named after their model field (a stored value the form does not show)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields or field == NON_FIELD_ERRORS:
            form.add_error(field if field in form.fields else None, errors)
            continue
        try:
            label = capfirst(form._meta.model._meta.get_field(field).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            label = field
        for message in ValidationError(errors).messages:
            form.add_error(None, _("%(field)s: %(message)s") % {"field": label, "message": message})


class ScopedMixin:
    """Restricts ``get_queryset`` to what the user may do ``action`` on."""

    model = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if not self.can(self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def can(self, action):
        opts = self.model._meta
        return self.request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["opts"] = self.model._meta
        return context


MAX_PER_PAGE = 100  # rows on one page of a list, at most (exports take every row)
EXPORT_PARAMS = ("export", "full_id")  # what the export form posts: never part of an address
PAGE_PARAMS = ("page", "per_page")  # which rows a page shows: an export takes every row


def back_url(request):
    """Where a form's “cancel” leads: the page the user came from, if it is on this site."""
    referer = request.META.get("HTTP_REFERER", "")
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and allowed else "/"


def without(query, names):
    """A copy of the QueryDict ``query`` without the parameters ``names``."""
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query


def exported(query):
    """A list's ``query`` as what an export of it holds: its filters, sort and ``full_id``,
    without the export button's ``export`` and the page's ``page``/``per_page``."""
    return without(query, ("export", *PAGE_PARAMS))


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A filterable, sortable, paginated table. htmx requests get the table fragment only.

    ``export=xlsx`` posted to the list's address exports the current filtered, sorted view
    (every page) as xlsx through the same scoped queryset: up to ``BANGFU_EXPORT_SYNC_ROWS``
    rows download at once, more become an export job written by the background worker
    (``bangfu.ledgers.exports``), which rebuilds this view for the job's user and calls the
    same :meth:`export_table`. Every export of personal data is written to the access log.
    """

    template_name = "core/object_list.html"
    paginate_by = 25
    create_url = None  # URL name of the create view, shown when the user may add
    title = None
    personal_data = False  # rows describe people: every export is written to the access log
    exportable = True  # the page offers the export buttons (kept current as filters change)

    def get(self, request, *args, **kwargs):
        if any(name in request.GET for name in EXPORT_PARAMS):  # an export link of old
            return redirect(f"{request.path}?{self.listed_query().urlencode()}")
        if hidden := search.hide_id_number(request):
            return redirect(hidden)  # the same list, without the ID number in its address
        response = super().get(request, *args, **kwargs)
        if request.htmx and search.is_hidden(request.GET.get("q")):
            response["HX-Push-Url"] = request.get_full_path()  # the address after the redirect
        return response

    def post(self, request, *args, **kwargs):
        """The export buttons: ``export=xlsx`` (and ``full_id=1``) posted, with the CSRF
        token, to the list's address and its filters — an export writes the access log and
        may start a job, so a link or a reload cannot start one."""
        if request.POST.get("export") != "xlsx":
            return HttpResponseNotAllowed(["GET", "POST"])
        query = self.listed_query()
        for name in EXPORT_PARAMS:
            if name in request.POST:
                query[name] = request.POST[name]
        request.GET = query  # read from here on as the filters are: one path for page and job
        return self.export()

    def listed_query(self):
        """The query of the list's address (filters, sort, page; a hidden search as its
        token) without export parameters."""
        return without(self.request.GET, EXPORT_PARAMS)

    def filter_data(self):
        """The query string the filters read: a hidden ID-number search put back."""
        return search.revealed(self.request)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs.get("data") is not None:
            kwargs["data"] = self.filter_data()
        return kwargs

    def get_table(self, **kwargs):
        """The page's table; ``?per_page=`` kept within 1…MAX_PER_PAGE rows (django-tables2
        fails on a negative one and would render any number)."""
        if (per_page := self.request.GET.get("per_page")) is not None:
            query = self.request.GET.copy()
            number = re.fullmatch(r"\s*(-?\d{1,9})\s*", per_page, re.ASCII)
            size = int(number[1]) if number else self.paginate_by
            query["per_page"] = str(min(max(size, 1), MAX_PER_PAGE))
            self.request.GET = query
        return super().get_table(**kwargs)

    def paginate_queryset(self, queryset, page_size):
        """The table paginates (a page past the end shows the last page, a page that is not a
        number the first); the list view's own paginator would count the rows a second time
        and answer such pages with 404."""
        return None, None, queryset, False

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "object-table":
            return ["core/_table_block.html"]
        return [self.template_name]

    def get_title(self):
        return self.title or capfirst(self.model._meta.verbose_name_plural)

    def export_table(self):
        """``(table, full_ids)``: the export table over the page's filtered, sorted queryset
        (``table.paginator.count`` is its row count; :func:`exports.table_values` its rows).
        The one definition of what an export holds, for direct downloads and export jobs.
        Raises ``ValidationError`` for invalid filters."""
        filterset = self.filterset_class(
            self.filter_data(), queryset=self.get_queryset(), request=self.request
        )
        if not filterset.is_valid():
            raise ValidationError(
                [_("Fix the filters before exporting.")]
                + [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()]
            )
        table_class, full_ids = self.get_export_table_class()
        table = table_class(
            filterset.qs, request=self.request, order_by=self.request.GET.get("sort") or None
        )
        return table, full_ids

    def log_export(self, count, full_ids, obj=None):
        """Write a personal-data export to the access log (the search string masked)."""
        if not (self.personal_data or full_ids):
            return None
        filters = exported(self.request.GET)
        if filters.get("q"):
            filters["q"] = "***"  # a search may be an ID number: never log it in clear
        kind = _("full ID numbers") if full_ids else _("masked")
        return log_access(
            self.request,
            AccessAction.EXPORT_PERSONAL,
            obj,
            detail=f"{self.get_title()} ({kind}, {count}) ?{filters.urlencode()}",
            region=self.request.user.region,  # auditors of the exporter's region see it
        )

    def export(self):
        try:
            table, full_ids = self.export_table()
        except ValidationError:
            messages.error(self.request, _("Fix the filters before exporting."))
            return redirect(self.request.path)
        count = table.paginator.count
        if count <= exports.sync_rows():
            self.log_export(count, full_ids)
            rows = exports.export_values(table)
            return exports.xlsx_response(
                self.get_title(), next(rows), rows, self.model._meta.verbose_name_plural
            )
        return self.start_export_job(count, full_ids)

    def start_export_job(self, count, full_ids):
        """Too many rows to download at once: an export job, then its progress page."""
        from bangfu.ledgers.exports import create_export  # ledgers builds on core

        query = exported(self.filter_data())  # the worker has no session: the search itself
        if not full_ids:
            query.pop("full_id", None)  # not allowed: never widened later by the worker
        back = redirect(f"{self.request.path}?{self.listed_query().urlencode()}")  # the token
        limit = exports.max_rows()
        if count > limit:
            messages.error(
                self.request,
                _("%(count)s rows: more than one export may hold (%(limit)s). Narrow the filters.")
                % {"count": count, "limit": limit},
            )
            return back
        if not self.request.user.has_perm("ledgers.add_exportjob"):
            messages.error(
                self.request,
                _("More than %(limit)s rows: narrow the filters.") % {"limit": exports.sync_rows()},
            )
            return back
        try:
            job = create_export(
                self.request,
                getattr(self.request.resolver_match, "view_name", ""),
                title=self.get_title(),
                query=query,
                full_ids=full_ids,
                personal=self.personal_data,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(self.request, message)
            return back
        messages.info(
            self.request,
            _("%(count)s rows: the file is being written in the background.") % {"count": count},
        )
        return redirect("ledgers:export-detail", job.pk)

    def get_export_table_class(self):
        """(table class, whether it holds full ID numbers). Exports of views with
        ``personal_data`` (masked or not) are written to the access log."""
        return self.table_class, False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.get_title()
        context["create_url"] = self.create_url if self.create_url and self.can("add") else None
        context["exportable"] = self.exportable
        context["export_query"] = self.listed_query().urlencode()
        return context


class ObjectDetailView(ScopedMixin, DetailView):
    """One object; ``fields`` lists the attributes shown in the generic template."""

    template_name = "core/object_detail.html"
    fields = ()
    edit_url = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["rows"] = [
            (obj._meta.get_field(name).verbose_name, value, self.link(value))
            for name in self.fields
            for value in (self.display(obj, name),)
        ]
        context["can_edit"] = (
            self.edit_url
            and self.model.objects.restrict(self.request.user, "change").filter(pk=obj.pk).exists()
        )
        return context

    def link(self, value):
        """The page of a related object shown, if the user may see it (``scoping.visible``)."""
        if not hasattr(value, "get_absolute_url"):
            return None
        seen = (type(value), value.pk) in visible(self.request.user, [value])
        return value.get_absolute_url() if seen else None

    def display(self, obj, name):
        getter = getattr(obj, f"get_{name}_display", None)
        value = getter() if getter else getattr(obj, name)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value if value not in (None, "") else "—"


class ObjectEditView(ScopedMixin, FormView):
    """Create (no ``pk`` in the URL) or edit an object through a service.

    Subclasses implement ``save(form)`` calling one service and returning the object.
    """

    template_name = "core/object_form.html"
    success_message = None

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if "pk" in kwargs:
            self.action = "change"
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        else:
            self.action = "add"
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message or _("Saved: %(obj)s") % {"obj": obj})
        return redirect(obj.get_absolute_url())

    def save(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["cancel_url"] = (
            self.object.get_absolute_url() if self.object else back_url(self.request)
        )
        meta = self.model._meta
        context["title"] = (
            _("Edit %(obj)s") % {"obj": self.object}
            if self.object
            else _("New %(model)s") % {"model": meta.verbose_name}
        )
        return context


@login_not_required
def healthz(request):
    """Liveness and readiness: answers once the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class ParameterListView(ObjectListView):
    """Policy parameters (recognition criteria, counting rules…) that apply in the user's region."""

    model = Parameter
    table_class = ParameterTable
    filterset_class = ParameterFilter
    create_url = "core:parameter-create"


def parameter_create(request):
    """Add a new version of a policy parameter (district administrators, own region)."""
    if not request.user.has_perm("core.add_parameter"):
        raise PermissionDenied
    form = ParameterForm(
        request.POST or None, user=request.user, initial={"key": request.GET.get("key")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            parameter = services.add_parameter_version(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved: %(obj)s") % {"obj": parameter})
            return redirect(parameter.get_absolute_url())
    return render(
        request,
        "core/object_form.html",
        {
            "form": form,
            "title": _("New version of a policy parameter"),
            "cancel_url": reverse("core:parameter-list"),
        },
    )
