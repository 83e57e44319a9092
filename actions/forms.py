import copy
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BoundField
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Organisation
from roundtables.models import RoundTable, Session
from roundtables.selectors import forum_tree_choices

from .models import ACTION_FIELD_NAMES, ORGANISATION_SETS, FollowUpAction
from .services import EDITABLE_FIELDS, PROGRESS_RULES, STATUS_DATE_RULES, settle_status
from .widgets import IsoDateInput, RecordSelect, dependent_choices_data

# The forms' labels: "Due date" (the models' fields have no verbose_name of their own yet,
# see ACTION_FIELD_NAMES).
FIELD_LABELS = {name: capfirst(words) for name, words in ACTION_FIELD_NAMES.items()}
PROGRESS_LABEL = gettext_lazy("Progress (%)")


class ParagraphsField(forms.CharField):
    """Text from a <textarea>: browsers send its line breaks as CRLF, which would make an
    unchanged description look changed on every save. Stored with plain LF."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class StatusReportForm(forms.Form):
    """A status report: a change, or the same status with a note as a confirmation."""

    status = forms.ChoiceField(
        label=FIELD_LABELS["status"],
        choices=FollowUpAction.Status.choices,
        help_text=gettext_lazy(STATUS_DATE_RULES),
    )
    # Empty keeps the progress as it is (not reported, for an action nobody gave one).
    progress = forms.IntegerField(
        label=PROGRESS_LABEL,
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy(PROGRESS_RULES),
    )
    note = ParagraphsField(
        label=FIELD_LABELS["note"],
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What happened. Needed when nothing else changes."),
    )
    # The version the form was read at, so a stale form cannot overwrite news.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_action(cls, action, data=None):
        initial = {"status": action.status, "progress": action.progress, "version": action.version}
        return cls(data, initial=initial, prefix=None)


def status_report_outcomes(action, today=None):
    """What saving a report would adjust or refuse, for each status a person may choose:
    `settle_status` itself, tried on copies of the action, so static/js/status-hints.js can
    say it next to the fields before saving without a second copy of the rules.

    The rules look at progress only as kept, set to 100 or moved elsewhere, so one value
    stands for each: {status: {"same" | "full" | "other": {"adjusted": [...]} or
    {"refused": "..."}}}, and "progress", the value the report starts from.
    """
    today = today or timezone.localdate()
    progress_cases = {
        "same": action.progress,
        "full": 100,
        "other": 1 if action.progress == 0 else 0,  # also for None: not reported
    }
    outcomes = {}
    for status in FollowUpAction.Status.values:
        outcomes[status] = {}
        for case, progress in progress_cases.items():
            trial = copy.copy(action)
            trial.status, trial.progress = status, progress
            try:
                adjusted = settle_status(
                    trial, old_status=action.status, old_progress=action.progress, today=today
                )
            except ValidationError as refusal:
                outcomes[status][case] = {"refused": " ".join(refusal.messages)}
            else:
                outcomes[status][case] = {"adjusted": adjusted}
    return {"progress": action.progress, "outcomes": outcomes}


class TickedOrganisations(BoundField):
    """An organisation set's checkboxes, which can name the ones ticked."""

    @property
    def ticked(self):
        """The acronyms of the organisations ticked as the form shows (sent, or saved)."""
        return [box.data["value"].instance.acronym for box in self if box.data["selected"]]


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    """Organisations to tick: an action's co-leads, partners or developers."""

    def label_from_instance(self, organisation):
        if organisation.acronym == organisation.name:  # a government: its name
            return organisation.name
        return f"{organisation.acronym} — {organisation.name}"

    def get_bound_field(self, form, field_name):
        return TickedOrganisations(form, self, field_name)


def organisations_to_tick(name, help_text):
    # Checkboxes, not a multiple <select>, where one plain click drops every other choice.
    # templates/actions/action_form.html puts a search box above them.
    return PartnerChoiceField(
        label=FIELD_LABELS[name],
        queryset=Organisation.objects.order_by("acronym"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"{session.round_table.forum.short_name} · {session.code} {session.title}"


class RoundTableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, round_table):
        # In roundtables.selectors.forum_tree_choices' words (the same msgid): once a forum
        # is chosen, static/js/dependent-choices.js offers that function's labels instead.
        name = _("RT %(number)s: %(theme)s") % {
            "number": round_table.number,
            "theme": round_table.theme,
        }
        return f"{round_table.forum.short_name} · {name}"


class ActionForm(forms.ModelForm):
    """What an action is: the secretariat's form. Status has its own form and service."""

    round_table = RoundTableChoiceField(
        label=FIELD_LABELS["round_table"],
        queryset=RoundTable.objects.select_related("forum"),
        required=False,
        widget=RecordSelect,
    )
    session = SessionChoiceField(
        label=FIELD_LABELS["session"],
        queryset=Session.objects.select_related("round_table__forum"),
        required=False,
        widget=RecordSelect,
    )
    lead = forms.ModelChoiceField(
        label=FIELD_LABELS["lead"],
        queryset=Organisation.objects.all(),
        required=False,
        widget=RecordSelect,
        help_text=gettext_lazy("Leave empty when the record does not say who leads."),
    )
    co_leads = organisations_to_tick(
        "co_leads",
        gettext_lazy("Tick each organisation that leads the action together with the lead."),
    )
    partners = organisations_to_tick(
        "partners",
        gettext_lazy("Tick each organisation the action is done with, besides the lead."),
    )
    developed_by = organisations_to_tick(
        "developed_by",
        gettext_lazy(
            "Tick the organisation that carried out the work, where the source names one "
            "besides the lead."
        ),
    )
    # The template shows these as searchable checkboxes.
    organisation_sets = ORGANISATION_SETS
    # Who takes part, together after the lead; the other fields follow in the model's order.
    field_order = [
        "title",
        "description",
        "forum",
        "round_table",
        "session",
        "lead",
        *ORGANISATION_SETS,
    ]

    class Meta:
        model = FollowUpAction
        # What the service lets the secretariat edit, and with whom the action is done.
        fields = [*EDITABLE_FIELDS, *ORGANISATION_SETS]
        labels = FIELD_LABELS
        field_classes = {"description": ParagraphsField}
        widgets = {
            # The record's text is English, whatever the page's language.
            "title": forms.TextInput(attrs={"lang": "en"}),
            "description": forms.Textarea(attrs={"rows": 5, "lang": "en"}),
            "forum": RecordSelect,
            "source_meeting": RecordSelect,
            "venue": RecordSelect,
            "due_date": IsoDateInput,
            "started_on": IsoDateInput,
            "completed_on": IsoDateInput,
        }

    def dependent_choices(self):
        """For static/js/dependent-choices.js: each round table's forum and each session's
        round table, so the form offers only those of the chosen forum. The server checks the
        same on saving (FollowUpAction.clean)."""
        return dependent_choices_data(forum_tree_choices())


class NewActionForm(ActionForm):
    status = forms.ChoiceField(
        label=FIELD_LABELS["status"],
        choices=FollowUpAction.Status.choices,
        initial=FollowUpAction.Status.PROPOSED,
        help_text=format_lazy(
            "{} {}",
            gettext_lazy("The status it starts in; later changes go through status reports."),
            gettext_lazy(STATUS_DATE_RULES),
        ),
    )
    progress = forms.IntegerField(
        label=PROGRESS_LABEL,
        min_value=0,
        max_value=100,
        required=False,  # empty: not reported
        help_text=gettext_lazy(PROGRESS_RULES),
    )
    # One token per form shown: sent twice (a double click, a resend), it makes one action.
    # Optional, so a script posting without it still works (without that protection).
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta(ActionForm.Meta):
        fields = [*ActionForm.Meta.fields, "status", "progress"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creation_token"].initial = uuid.uuid4()

    def clean(self):
        cleaned = super().clean()
        completed = cleaned.get("status") == FollowUpAction.Status.COMPLETED
        if cleaned.get("completed_on") and not completed:
            self.add_error(
                "completed_on",
                _(
                    "Only a completed action has a completion date: clear it, "
                    "or choose the status Completed."
                ),
            )
        return cleaned


class EditActionForm(ActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def merged_edit_form(current, read_version, typed):
    """The edit form after a refused save: the person's own changes over what is saved now.

    Fields they left as they read them show the current values, so sending the form again
    does not undo someone else's change; fields they changed keep what they typed.
    `typed`: the refused form's cleaned data.
    """
    read = current.audit_trail.filter(version=read_version).first()
    initial = {"version": current.version}
    for name, value in typed.items():
        if name == "version":
            continue
        if read is None:  # no saved version to compare with: keep all that was typed
            initial[name] = value
        elif name in ORGANISATION_SETS:
            read_set = set(getattr(read, name).values_list("organisation_id", flat=True))
            if {organisation.pk for organisation in value} != read_set:
                initial[name] = list(value)
        else:
            read_value = getattr(read, FollowUpAction._meta.get_field(name).attname)
            if (value.pk if isinstance(value, models.Model) else value) != read_value:
                initial[name] = value
    return EditActionForm(instance=current, initial=initial)
