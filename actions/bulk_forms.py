"""The bulk form of the lists (/actions/, /my/): one change for every action ticked on the
page. It only reads what was asked; actions/bulk.py checks and applies it, action by action.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from .bulk import KEEP, Proposal
from .filters import SharedChoices
from .forms import ParagraphsField
from .models import ACTION_FIELD_NAMES, FollowUpAction
from .services import PROGRESS_RULES
from .widgets import IsoDateInput, ManyOptionsSelect

# The lead choice that clears the lead ("" keeps each action's own).
NO_LEAD = "none"
# More than any page lists (25 rows); a bigger selection is not from the list.
MOST_SELECTED = 500
_SELECTED = re.compile(r"(\d{1,18}):(\d{1,9})")


@dataclass(frozen=True)
class Selected:
    """A ticked row: the action and the version the list showed it at."""

    pk: int
    version: int

    @property
    def value(self) -> str:
        """As the row's checkbox sends it."""
        return f"{self.pk}:{self.version}"


def read_selection(values: list[str]) -> tuple[list[Selected], list[str]]:
    """The ticked rows ("pk:version" each, an action once), and the values that are not."""
    selected: dict[int, Selected] = {}
    not_understood = []
    for value in values:
        match = _SELECTED.fullmatch(value.strip())
        if match is None:
            not_understood.append(value)
            continue
        pk, version = int(match[1]), int(match[2])
        selected.setdefault(pk, Selected(pk, version))
    return list(selected.values()), not_understood


class SelectionField(forms.Field):
    """The rows ticked in the table; their checkboxes sit in the table, not in the form."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy(
            "No action is selected: tick the box of each action to change in the list."
        ),
    }

    def to_python(self, value: list[str] | None) -> list[Selected]:
        selected, not_understood = read_selection(list(value or []))
        if not_understood:
            shown = ", ".join(
                pgettext("a value quoted in a message", "“%(value)s”") % {"value": value[:40]}
                for value in not_understood[:3]
            )
            raise ValidationError(
                _(
                    "The selection was not understood (%(values)s). Go back to the list and "
                    "tick the actions again."
                )
                % {"values": shown}
            )
        if len(selected) > MOST_SELECTED:
            raise ValidationError(
                ngettext(
                    "%(count)s action is selected; at most %(most)s can be changed at once.",
                    "%(count)s actions are selected; at most %(most)s can be changed at once.",
                    len(selected),
                )
                % {"count": len(selected), "most": MOST_SELECTED}
            )
        return selected


def blank_fields(*, secretariat: bool, organisation_ids: dict[str, int]) -> str:
    """The fields of a blank form, as each list shows it on every request. The same for
    everyone of a role: rendered once per list of organisations and language (as the
    filters' options are), not a form and a widget template each time. The form's labels
    are lazy, so each language's copy is rendered in that language."""
    return _blank_fields(secretariat, tuple(organisation_ids.items()), translation.get_language())


@functools.lru_cache(maxsize=16)
def _blank_fields(secretariat: bool, organisations: tuple, language: str | None) -> str:
    form = BulkUpdateForm(organisation_ids=dict(organisations), secretariat=secretariat)
    return render_to_string("actions/_bulk_fields.html", {"bulk_form": form})


def _lead_choices(organisation_ids: dict[str, int]) -> list[tuple[str, str]]:
    return [
        ("", _("Keep each action's lead")),
        (NO_LEAD, _("No lead named")),
        *((str(pk), acronym) for acronym, pk in organisation_ids.items()),
    ]


class BulkUpdateForm(forms.Form):
    """What to change on every selected action; an empty field keeps each action's own value.

    Due date and lead are shown to secretariat staff only; a focal point who sends them
    anyway has every action refused by bulk.check, where that rule lives.
    """

    selected = SelectionField()
    status = forms.ChoiceField(
        label=capfirst(ACTION_FIELD_NAMES["status"]),
        required=False,
        choices=[("", gettext_lazy("Keep each action's status")), *FollowUpAction.Status.choices],
        # Its options built once (format_html), not one template each: the lists show it.
        widget=ManyOptionsSelect,
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=format_lazy(
            "{} {}",
            gettext_lazy("Empty keeps each action's progress."),
            gettext_lazy(PROGRESS_RULES),
        ),
    )
    due_date = forms.DateField(
        label=capfirst(ACTION_FIELD_NAMES["due_date"]),
        required=False,
        widget=IsoDateInput,
        help_text=gettext_lazy("Empty keeps each action's due date."),
    )
    clear_due_date = forms.BooleanField(required=False, label=gettext_lazy("Clear the due date"))
    lead = forms.ChoiceField(
        label=capfirst(ACTION_FIELD_NAMES["lead"]), required=False, widget=ManyOptionsSelect
    )
    note = ParagraphsField(
        label=capfirst(ACTION_FIELD_NAMES["note"]),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Recorded on every selected action. A note alone confirms they are still on track."
        ),
    )

    SECRETARIAT_FIELDS = ("due_date", "clear_due_date", "lead")

    def __init__(
        self, data=None, *, organisation_ids: dict[str, int], secretariat: bool, **kwargs
    ) -> None:
        # Ids of their own: the filter form on the same page has a status field too.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(data, **kwargs)
        self.secretariat = secretariat
        # As the filters offer organisations: one list, not normalised again at each use.
        lead = cast("forms.ChoiceField", self.fields["lead"])
        lead.choices = SharedChoices(_lead_choices(organisation_ids))

    def shown_fields(self):
        """The fields this person fills in (the selection is the table's checkboxes)."""
        hidden = {"selected", *([] if self.secretariat else self.SECRETARIAT_FIELDS)}
        return [field for field in self if field.name not in hidden]

    def clean(self):
        data = super().clean()
        if data.get("due_date") and data.get("clear_due_date"):
            self.add_error("due_date", _("Choose a new due date or clear it, not both."))
        asked = (
            data.get("status")
            or data.get("progress") is not None
            or data.get("note", "").strip()
            or data.get("due_date")
            or data.get("clear_due_date")
            or data.get("lead")
        )
        if not asked and not self.has_error("progress") and not self.has_error("due_date"):
            self.add_error(
                "note",
                _(
                    "Nothing to change: choose what to change, or write a note (a note alone "
                    "confirms the selected actions are still on track)."
                ),
            )
        return data

    def proposals(self) -> list[Proposal]:
        """One proposal per selected action, at the version the list showed it."""
        data = self.cleaned_data
        due_date = None if data["clear_due_date"] else (data["due_date"] or KEEP)
        lead = data["lead"]
        lead_id = KEEP if lead == "" else None if lead == NO_LEAD else int(lead)
        return [
            Proposal(
                action_id=row.pk,
                read_version=row.version,
                status=data["status"] or None,
                progress=data["progress"],
                note=data["note"],
                due_date=due_date,
                lead_id=lead_id,
            )
            for row in data["selected"]
        ]
