from django import forms, template

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.simple_tag
def bf_field(field, size=""):
    """Render a bound field with Bootstrap classes (and ``is-invalid`` when it has errors)."""
    widget = field.field.widget
    if isinstance(widget, CHECK_WIDGETS):
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "bf-choices"
    elif isinstance(widget, forms.Select | forms.NullBooleanSelect):
        css = f"form-select{' form-select-' + size if size else ''}"
    else:
        css = f"form-control{' form-control-' + size if size else ''}"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-errors"
    return field.as_widget(attrs=attrs)
