from django.shortcuts import get_object_or_404, render

from bangfu.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import selectors, services
from .filters import RegionFilter
from .forms import RegionForm
from .models import Region
from .tables import RegionTable


class RegionListView(ObjectListView):
    model = Region
    table_class = RegionTable
    filterset_class = RegionFilter
    create_url = "regions:create"
    template_name = "regions/region_list.html"

    def get_queryset(self):
        return selectors.region_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree_roots"] = selectors.scope_roots(self.request.user)
        return context


class RegionDetailView(ObjectDetailView):
    model = Region
    fields = ("code", "name", "level", "parent", "aliases", "synthetic", "note")
    edit_url = "regions:edit"
    template_name = "regions/region_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = selectors.children(self.request.user, self.object)
        return context


class RegionEditView(ObjectEditView):
    model = Region
    form_class = RegionForm

    def save(self, form):
        data = form.cleaned_data
        if self.object:
            return services.update_region(
                self.request.user,
                self.object,
                name=data["name"],
                aliases=data["aliases"],
                synthetic=data["synthetic"],
                note=data["note"],
            )
        return services.create_region(self.request.user, **data)


def tree_children(request, code):
    """htmx fragment: the children of one node of the region tree."""
    region = get_object_or_404(selectors.visible_regions(request.user), code=code)
    return render(
        request,
        "regions/_tree_nodes.html",
        {"nodes": selectors.children(request.user, region)},
    )
