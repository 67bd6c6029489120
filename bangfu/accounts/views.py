from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from bangfu.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import selectors, services
from .filters import UserFilter
from .forms import PasswordResetForm, UserForm
from .models import User
from .tables import UserTable


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class ProfileView(TemplateView):
    """The current user: roles, data scope and what that scope covers."""

    template_name = "accounts/profile.html"


class UserListView(ObjectListView):
    model = User
    table_class = UserTable
    filterset_class = UserFilter
    create_url = "accounts:user-create"

    def get_queryset(self):
        return selectors.user_list(self.request.user)


class UserDetailView(ObjectDetailView):
    model = User
    fields = (
        "username",
        "last_name",
        "first_name",
        "email",
        "phone",
        "organisation",
        "region",
        "is_active",
        "last_login",
        "date_joined",
    )
    edit_url = "accounts:user-edit"
    template_name = "accounts/user_detail.html"


class UserEditView(ObjectEditView):
    model = User
    form_class = UserForm

    def save(self, form):
        data = dict(form.cleaned_data)
        role_codes = data.pop("roles")
        if self.object:
            data.pop("username", None)
            return services.update_user(
                self.request.user, self.object, role_codes=role_codes, **data
            )
        return services.create_user(self.request.user, role_codes=role_codes, **data)


def reset_password(request, pk):
    """An administrator sets a new password for a user in scope and below their role."""
    target = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, target, form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, _("The password of %(user)s was reset.") % {"user": target})
            return redirect(target.get_absolute_url())
    title = _("Reset password of %(user)s") % {"user": target}
    return render(
        request, "core/object_form.html", {"form": form, "title": title, "object": target}
    )
