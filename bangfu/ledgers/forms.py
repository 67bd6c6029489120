from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportMode
from .registry import LEDGERS


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
            (key, ledger.title)
            for key, ledger in LEDGERS.items()
            if all(user.has_perm(p) for p in ledger.permissions)
        ]


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        initial=ImportMode.VALID,
    )
