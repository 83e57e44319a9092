from html import escape

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A <select> built in Python rather than one template per option.

    The filter form lists every organisation three times and every session: hundreds of
    options, which Django's template-per-option rendering turned into most of a list page's
    time. Same markup, same attributes; no option groups (the filters have none).
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = "".join(
            f'<option value="{escape(str(option_value))}"'
            f"{' selected' if str(option_value) in selected else ''}>"
            f"{escape(str(option_label))}</option>"
            for option_value, option_label in self.choices
        )
        attributes = forms.utils.flatatt({"name": name, **final_attrs})
        return format_html("<select{}>{}</select>", attributes, mark_safe(options))
