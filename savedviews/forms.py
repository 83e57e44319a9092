from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NAME_MAX_LENGTH, QUERY_MAX_LENGTH, SavedView
from .queries import filter_problems, kept_query

# A list's own address, blanks and all, is a few hundred characters; past this, a query
# string is not read at all (parsing it could raise on its number of fields).
SENT_QUERY_MAX_LENGTH = 4 * QUERY_MAX_LENGTH


class SavedViewForm(forms.Form):
    """A view's name and whether everyone sees it: what its owner may change."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=gettext_lazy("For example “RT 3 overdue” or “My agency, due this quarter”."),
        error_messages={"required": gettext_lazy("Give the view a name.")},
    )
    shared = forms.BooleanField(
        required=False,
        label=gettext_lazy("Share with everyone"),
        help_text=gettext_lazy(
            "Shared views are listed on the dashboard and beside everyone's lists."
        ),
    )

    def __init__(self, *args, **kwargs):
        # One page can hold this form beside the filter form: ids of its own.
        kwargs.setdefault("auto_id", "saved-view-%s")
        super().__init__(*args, **kwargs)


class SaveViewForm(SavedViewForm):
    """A new view of the list the form was sent from, with that list's filters."""

    list_name = forms.ChoiceField(choices=SavedView.List.choices, widget=forms.HiddenInput)
    query = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        sent = cleaned.get("query", "")
        if len(sent) > SENT_QUERY_MAX_LENGTH:
            self.add_error(None, _("These filters are too long to save as a view."))
            return cleaned
        query = kept_query(sent)
        problems = filter_problems(query)
        if problems:
            self.add_error(
                None,
                _(
                    "These filters cannot be saved: %(problems)s Correct them on the list, "
                    "then save the view."
                )
                % {"problems": " ".join(problems)},
            )
        elif len(query.urlencode()) > QUERY_MAX_LENGTH:
            self.add_error(None, _("These filters are too long to save as a view."))
        cleaned["query"] = query.urlencode()
        return cleaned
