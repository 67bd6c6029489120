from django import forms

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
