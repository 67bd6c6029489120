from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import ScopedModelForm

from .models import User
from .services import check_username_free, grantable_roles


class UserForm(ScopedModelForm):
    """Create or edit a user: roles offered are only those the actor may grant."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), widget=forms.CheckboxSelectMultiple, required=False
    )
    password = forms.CharField(
        label=_("initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=password_validators_help_text_html(),
        strip=False,
    )

    class Meta:
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
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.code, r.label) for r in grantable_roles(self.user)]
        if self.instance.pk:
            self.fields["username"].disabled = True
            del self.fields["password"]
            self.initial["roles"] = self.instance.role_codes

    def clean_username(self):
        """A taken username gets one message, at its field (the model would add its exact-match
        message beside the case-insensitive constraint's)."""
        username = self.cleaned_data["username"]
        if not self.instance.pk:
            check_username_free(username)
        return username

    def validate_unique(self):
        """Re-checked by the model's ``full_clean`` inside the service."""
        if not self.instance.pk:
            super().validate_unique()


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("new password"),
        widget=forms.PasswordInput,
        help_text=password_validators_help_text_html(),
        strip=False,
    )
