"""Widgets of the portal's forms that Django does not have."""

import datetime
import functools

from django import forms
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

_OPTION = '<option value="{}">{}</option>'
_SELECTED_OPTION = '<option value="{}" selected>{}</option>'
# An option naming a thing of the record (an organisation, a forum, a session): English
# content inside a page that may be French or Spanish, so screen readers switch voice.
_RECORD_OPTION = '<option value="{}" lang="en">{}</option>'
_SELECTED_RECORD_OPTION = '<option value="{}" selected lang="en">{}</option>'


def names_a_record(value):
    """Whether an option's value is a record's id (the record's own words follow), not one
    of the interface's choices ("", "none", "lead")."""
    return str(value).isdigit()


class RecordSelect(forms.Select):
    """Django's Select for the record's things: each option that names one says lang="en"."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if names_a_record(option["value"]):
            option["attrs"]["lang"] = "en"
        return option


class ManyOptionsSelect(forms.Select):
    """A <select> for hundreds of options (the filters' organisations and sessions).

    forms.Select renders each option from a template of its own, which for the filter form's
    600 options took much of a list page (bench/RESULTS.md). This builds each with
    format_html, which escapes its value and label as the templates do. The markup is
    forms.Select's, less the line breaks between options; it knows no option groups (the
    filters have none).
    """

    # RecordOptionsSelect: the options naming records say lang="en".
    marks_records = False

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        # The labels as this language says them ("Planned" is lazy): a lazy label in the
        # cache's key would be read again in whichever language asks.
        shown = tuple((choice, str(label)) for choice, label in self.choices)
        options = _rendered_options(shown, translation.get_language(), self.marks_records)
        # Every piece is format_html's output, so the whole is safe too.
        markup = mark_safe(
            "".join(chosen if choice in selected else plain for choice, plain, chosen in options)
        )
        attributes = _attributes({"name": name, **self.build_attrs(self.attrs, attrs)})
        return format_html("<select{}>{}</select>", attributes, markup)


class RecordOptionsSelect(ManyOptionsSelect):
    """ManyOptionsSelect for the record's organisations, forums and sessions."""

    marks_records = True


@functools.lru_cache(maxsize=64)
def _rendered_options(choices, language, marks_records=False):
    """(value, <option>, <option selected>) of each choice, built once per list of choices
    and language: the same 300 organisations are offered on every list page (and up to four
    times on an old link). `choices`: (value, label) with each label already text in the
    active `language`, which is in the key too so that each language has its own copy."""
    rendered = []
    for choice, label in choices:
        record = marks_records and names_a_record(choice)
        plain, selected = (
            (_RECORD_OPTION, _SELECTED_RECORD_OPTION) if record else (_OPTION, _SELECTED_OPTION)
        )
        rendered.append(
            (str(choice), format_html(plain, choice, label), format_html(selected, choice, label))
        )
    return tuple(rendered)


def _attributes(attrs):
    """In Django's order (name, then aria-invalid, id), unlike flatatt, which sorts them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
            for key, value in attrs.items()
            if value is not False and value is not None
        ),
    )


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


def dependent_choices_data(tree):
    """What static/js/dependent-choices.js needs to offer only the chosen forum's round tables
    and the chosen round table's sessions: each one's value, label and parent, as strings
    (the values a <select> holds). `tree`: roundtables.selectors.forum_tree_choices()."""
    return {
        "round_table": [
            [str(pk), label, str(tree.forum_of_round_table[pk])] for pk, label in tree.round_tables
        ],
        "session": [
            [str(pk), label, str(tree.round_table_of_session[pk])] for pk, label in tree.sessions
        ],
    }
