import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import ScopedModelForm
from bangfu.regions.models import Level
from bangfu.workshops.forms import DateInput
from bangfu.workshops.models import Position

from .models import ContractType, Household, Laborer, WorkStatus

LABORER_FIELDS = (
    "name",
    "id_number",
    "phone",
    "labor_ability",
    "education",
    "skills",
    "work_status",
    "work_intention",
)


class HouseholdForm(ScopedModelForm):
    class Meta:
        model = Household
        fields = (
            "head_name",
            "region",
            "category",
            "monitor_type",
            "risk_status",
            "members_count",
            "address",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(level=Level.VILLAGE)


class LaborerForm(ScopedModelForm):
    """A laborer; the ID number is validated by the service (checksum, birth date, uniqueness)."""

    id_number = forms.CharField(label=_("ID number"), max_length=40, strip=True)

    class Meta:
        model = Laborer
        fields = [f for f in LABORER_FIELDS if f != "id_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(LABORER_FIELDS)
        if self.instance.pk:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Leave empty to keep the registered number (%(masked)s)."
            ) % {"masked": self.instance.id_masked}


class LaborerRowForm(LaborerForm):
    """One row of the household registration page; a fully empty row is skipped."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("user", None)
        super().__init__(*args, **kwargs)
        self.empty_permitted = True
        self.use_required_attribute = False


def laborer_formset(user, data=None, extra=2):
    formset_class = forms.formset_factory(LaborerRowForm, extra=extra, max_num=20)
    return formset_class(data, prefix="laborers", form_kwargs={"user": user})


class HireForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number of the laborer"),
        max_length=40,
        help_text=_("The laborer must be registered; ask the village informant otherwise."),
    )
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none())
    start_date = forms.DateField(
        label=_("start date"), widget=DateInput, initial=datetime.date.today
    )
    contract_type = forms.ChoiceField(label=_("contract type"), choices=ContractType.choices)
    monthly_wage = forms.DecimalField(
        label=_("monthly wage (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )

    def __init__(self, *args, user, workshop=None, **kwargs):
        super().__init__(*args, **kwargs)
        positions = (
            Position.objects.restrict(user)
            .select_related("workshop")
            .filter(closed_on__isnull=True)
        )
        if workshop:
            positions = positions.filter(workshop_id=workshop)
        self.fields["position"].queryset = positions


class LeaveForm(forms.Form):
    end_date = forms.DateField(
        label=_("leaving date"), widget=DateInput, initial=datetime.date.today
    )
    reason = forms.CharField(label=_("reason for leaving"), max_length=200, required=False)
    work_status = forms.ChoiceField(
        label=_("work status afterwards"),
        choices=WorkStatus.choices,
        initial=WorkStatus.RETURNED_UNEMPLOYED,
    )


class WageForm(forms.Form):
    month = forms.DateField(
        label=_("month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    amount = forms.DecimalField(
        label=_("amount paid (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )


class IncomeForm(forms.Form):
    year = forms.IntegerField(
        label=_("year"), min_value=2000, initial=lambda: datetime.date.today().year - 1
    )
    per_capita_income = forms.DecimalField(
        label=_("per-capita income (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
