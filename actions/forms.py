from django import forms

from agencies.models import Organisation
from roundtables.models import RoundTable, Session

from .models import FollowUpAction
from .services import EDITABLE_FIELDS


class StatusReportForm(forms.Form):
    """A status report: a change, or the same status with a note as a confirmation."""

    status = forms.ChoiceField(choices=FollowUpAction.Status.choices)
    progress = forms.IntegerField(
        label="Progress (%)", min_value=0, max_value=100, help_text="From 0 to 100."
    )
    note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happened. Needed when nothing else changes.",
    )
    # The version the form was read at, so a stale form cannot overwrite news.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_action(cls, action, data=None):
        initial = {"status": action.status, "progress": action.progress, "version": action.version}
        return cls(data, initial=initial, prefix=None)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"{session.round_table.forum.short_name} · {session.code} {session.title}"


class RoundTableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, round_table):
        return f"{round_table.forum.short_name} · RT {round_table.number}: {round_table.theme}"


class ActionForm(forms.ModelForm):
    """What an action is: the secretariat's form. Status has its own form and service."""

    round_table = RoundTableChoiceField(
        queryset=RoundTable.objects.select_related("forum"), required=False
    )
    session = SessionChoiceField(
        queryset=Session.objects.select_related("round_table__forum"), required=False
    )
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Leave empty when the record does not say who leads.",
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Cmd) to choose several.",
    )

    class Meta:
        model = FollowUpAction
        # What the service lets the secretariat edit, and with whom the action is done.
        fields = [*EDITABLE_FIELDS, "partners"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "completed_on": forms.DateInput(attrs={"type": "date"}),
        }


class NewActionForm(ActionForm):
    status = forms.ChoiceField(
        choices=FollowUpAction.Status.choices,
        initial=FollowUpAction.Status.PROPOSED,
        help_text="The status it starts in; later changes go through status reports.",
    )

    class Meta(ActionForm.Meta):
        fields = [*ActionForm.Meta.fields, "status"]


class EditActionForm(ActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
