import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import User
from bangfu.core.forms import ScopedModelForm
from bangfu.core.identity import validate_uscc

from .models import Enterprise, Position, Workshop


class DateInput(forms.DateInput):
    input_type = "date"


class EnterpriseForm(ScopedModelForm):
    # typed with spaces or hyphens (9143 0903 …) before the service compacts it to 18 characters
    uscc = forms.CharField(label=Enterprise._meta.get_field("uscc").verbose_name, max_length=40)

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "industry",
            "region",
            "address",
            "is_active",
        )

    def clean_uscc(self):
        """Checked with the others (the service checks it again, and that it is unique)."""
        return validate_uscc(self.cleaned_data["uscc"])

    def validate_unique(self):
        """The service checks the credit code (after normalizing it)."""


class WorkshopForm(ScopedModelForm):
    """A workshop application (create) or an edit of its descriptive fields."""

    applied_on = forms.DateField(
        label=_("application date"), widget=DateInput, initial=datetime.date.today
    )

    class Meta:
        model = Workshop
        fields = (
            "enterprise",
            "name",
            "region",
            "site_type",
            "creation_mode",
            "workshop_type",
            "industry",
            "address",
            "floor_area",
            "opened_on",
            "operators",
        )
        widgets = {"opened_on": DateInput, "operators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["applied_on"]
        if self.user.has_perm("accounts.view_user"):
            self.fields["operators"].queryset = (
                User.objects.restrict(self.user).filter(groups__name="workshop_operator").distinct()
            )
            self.fields["operators"].required = False
        else:  # who operates the workshop is managed by those who manage users
            del self.fields["operators"]


class TransitionForm(forms.Form):
    """One lifecycle step; the view shows only the fields its step needs."""

    on = forms.DateField(label=_("date"), widget=DateInput, initial=datetime.date.today)
    certificate_no = forms.CharField(label=_("certificate number"), max_length=50, required=False)
    grace_until = forms.DateField(
        label=_("grace period ends"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: the default grace period (6 months)."),
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    override_reason = forms.CharField(
        label=_("reason for recognizing although criteria are not met"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    FIELDS = {
        "recognize": ("on", "certificate_no", "override_reason"),
        "reject": ("on", "reason"),
        "watch": ("on", "grace_until", "reason"),
        "remove": ("on", "reason"),
        "restore": ("on", "reason"),
        "resubmit": ("on", "reason"),
    }

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS[step]:
                del self.fields[name]


class PositionForm(ScopedModelForm):
    class Meta:
        model = Position
        fields = (
            "workshop",
            "title",
            "headcount",
            "wage_min",
            "wage_max",
            "requirements",
            "posted_on",
            "closed_on",
        )
        widgets = {
            "posted_on": DateInput,
            "closed_on": DateInput,
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }
