from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportMode
from .registry import importable_by


class UploadForm(forms.Form):
    ledger = forms.ChoiceField(label=_("Ledger"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("An .xlsx, .xls or .csv file; the first sheet is read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = [
            (ledger.key, ledger.title) for ledger in importable_by(user)
        ]


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        initial=ImportMode.VALID,
    )
