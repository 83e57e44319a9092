"""Widgets for the action list's filter form, built in Python rather than from templates.

The form offers every organisation three times (lead, partner, lead or partner) and every
session: over a thousand options. Django renders each option, and each checkbox, from
its own template, which made the form a tenth of a list page's time. These widgets give
the same markup and the same attributes; they know no option groups (the filters have
none).
"""

import datetime
import functools
from html import escape

from django import forms
from django.utils.safestring import mark_safe


@functools.lru_cache(maxsize=64)
def _options(choices):
    """(value, <option> markup) for each choice, escaped once per distinct list.

    The organisations are the same list for three fields and for every request until one
    is added, so the escaping of a thousand labels is not repeated each time.
    """
    return tuple(
        (str(value), f'<option value="{escape(str(value))}"', f">{escape(str(label))}</option>")
        for value, label in choices
    )


def _attributes(attrs):
    """In Django's order (name, then id and the rest), unlike flatatt, which sorts them."""
    return "".join(f' {key}="{escape(str(value))}"' for key, value in attrs.items())


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f"{start}{' selected' if value in selected else ''}{end}"
            for value, start, end in _options(tuple(self.choices))
        )
        attributes = _attributes({"name": name, **self.build_attrs(self.attrs, attrs)})
        return mark_safe(f"<select{attributes}>{options}</select>")


class FastCheckboxes(forms.CheckboxSelectMultiple):
    """Each choice as <label class="check-label"><input type="checkbox" ...> Label</label>."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        shared = self.build_attrs(self.attrs, attrs)  # aria-invalid when the field has errors
        base_id = shared.pop("id", None)
        boxes = []
        for index, (option_value, option_label) in enumerate(self.choices):
            box = {"type": "checkbox", "name": name, "value": option_value}
            if base_id:
                box["id"] = self.id_for_label(base_id, index)
            box.update(shared)
            attributes = _attributes(box)
            checked = " checked" if str(option_value) in selected else ""
            boxes.append(
                f'<label class="check-label"><input{attributes}{checked}> '
                f"{escape(str(option_label))}</label>"
            )
        return mark_safe("".join(boxes))


class IsoDateInput(forms.DateInput):
    """A browser date picker: `type="date"` takes and sends only YYYY-MM-DD.

    Django renders dates in the site's first input format (10/12/2026 for en-gb), which a
    browser cannot read: it shows an empty picker and the next save erases the date.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        # A refused value that is not a date cannot be shown in a date picker (and is not
        # valid HTML there): the field's error message quotes it instead.
        if isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)
