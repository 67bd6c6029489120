from django import forms
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedQuerySet


class ScopedModelForm(forms.ModelForm):
    """A model form that knows its user and offers only in-scope choices.

    Every choice field over a scoped model is narrowed with ``restrict(user, "view")``, so a
    tampered POST naming another region's object fails validation like an unknown value.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, ScopedQuerySet):
                field.queryset = queryset.restrict(user, "view")


class ParameterForm(forms.Form):
    """A new version of a policy parameter (the key must exist)."""

    key = forms.ChoiceField(label=_("key"))
    value = forms.DecimalField(label=_("value"), max_digits=14, decimal_places=2)
    region_prefix = forms.CharField(label=_("region prefix"), max_length=12, required=False)
    effective_from = forms.DateField(
        label=_("effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("source document"), max_length=200)
    note = forms.CharField(label=_("note"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import PARAMETER_LABELS, Parameter

        keys = Parameter.objects.order_by("key").values_list("key", flat=True).distinct()
        self.fields["key"].choices = [(k, f"{PARAMETER_LABELS.get(k, k)} ({k})") for k in keys]
        self.fields["region_prefix"].initial = user.scope_prefix or ""
