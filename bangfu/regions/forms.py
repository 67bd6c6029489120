from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import ScopedModelForm

from .models import Region


class RegionForm(ScopedModelForm):
    """Create a region under a parent in scope; on edit only the descriptive fields change."""

    class Meta:
        model = Region
        fields = ("parent", "code", "name", "level", "aliases", "synthetic", "note")
        help_texts = {"code": _("12 digits, starting with the parent's prefix.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("parent", "code", "level"):
                self.fields[name].disabled = True
        else:
            self.fields["parent"].required = not self.user.is_superuser

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.instance.pk and not (len(code) == 12 and code.isdigit()):
            raise forms.ValidationError(_("The code must be exactly 12 digits."))
        return code

    def validate_unique(self):
        """Uniqueness is the service's job (one message, also for the API)."""
