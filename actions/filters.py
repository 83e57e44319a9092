"""The action list's filters: GET parameters, so a filtered list is a link to share."""

import django_filters
from django import forms
from django.db.models import F, OrderBy
from django.utils.choices import BaseChoiceIterator
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from agencies.models import Organisation
from roundtables.selectors import ForumTree, forum_tree_choices

from .models import ActionsOfOrganisations, FollowUpAction, led_by, partnered_by
from .search import search_actions
from .services import day_in_words
from .widgets import IsoDateInput, ManyOptionsSelect, RecordOptionsSelect, dependent_choices_data

# ?sort= values, the column headers and the fields they order by; "-" sorts descending.
# Lazy labels: these are read at import time, and shown in each request's language.
SORT_FIELDS = {
    "title": (_("Title"), "title"),
    "lead": (pgettext_lazy("organisation's role in an action", "Lead"), "lead__acronym"),
    "status": (pgettext_lazy("of an action", "Status"), "status"),
    "progress": (_("Progress"), "progress"),
    "due": (pgettext_lazy("date an action is due", "Due"), "due_date"),
    "updated": (_("Last update"), "last_reported_at"),
}
SORT_DIRECTIONS = (
    ("", _("{column} (ascending)")),
    ("-", _("{column} (descending)")),
)
SORT_CHOICES = [
    (f"{sign}{key}", format_lazy(direction, column=label))
    for key, (label, _field) in SORT_FIELDS.items()
    for sign, direction in SORT_DIRECTIONS
]
# Soonest deadline first: what needs attention; actions without a date come last.
DEFAULT_SORT = "due"

# ?role=: how ?organisation= takes part in an action. Either is the default.
ROLE_EITHER, ROLE_LEAD, ROLE_PARTNER = "either", "lead", "partner"
ROLE_CHOICES = [
    (ROLE_EITHER, _("Leads or partners")),
    (ROLE_LEAD, _("Leads")),
    (ROLE_PARTNER, _("Partners")),
]
# The form's organisation fields before ?organisation= and ?role=. Links in e-mails and
# bookmarks still use them, so they still filter, but the form shows them only on a list
# opened with one of them (so what the link chose can be seen and cleared).
OLD_ORGANISATION_FILTERS = ("lead", "partner", "agency")


def sort_order(sort: str) -> tuple[OrderBy, str]:
    """The ORDER BY of the list sorted by `sort`: the column, then pk, so the order is total."""
    key = sort.lstrip("-")
    field = F(SORT_FIELDS[key][1])
    descending = sort.startswith("-")
    return (field.desc(nulls_last=True) if descending else field.asc(nulls_last=True), "pk")


def order_actions(queryset, sort):
    return queryset.order_by(*sort_order(sort))


def organisation_ids_by_acronym():
    return dict(Organisation.objects.values_list("acronym", "id"))


class SharedChoices(BaseChoiceIterator):
    """A list of choices, read once per request and shared by every field that offers it.

    Django deep-copies a form's fields, choices included, for each form, and django-filter
    normalises plain choice lists again each time they are iterated; with hundreds of
    organisations and sessions, that was a tenth of a list page. This list never changes
    once read, so copies may share it, and a choice iterator is taken as it is.
    """

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __deepcopy__(self, memo):
        return self


class ActionFilterForm(forms.Form):
    """The filter form: each field checks itself; what only two fields together can tell
    is checked here, so the list says what is wrong rather than showing no action."""

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("due_after"), cleaned.get("due_before")
        if after and before and after > before:
            self.add_error(
                "due_after",
                gettext(
                    "The first date is after the second: %(after)s is later than %(before)s, "
                    "so no action can be due between them. Swap the dates, or clear one."
                )
                % {"after": day_in_words(after), "before": day_in_words(before)},
            )
        return cleaned


def _select(label, empty_label, **kwargs):
    return django_filters.ChoiceFilter(
        label=label, empty_label=empty_label, choices=(), widget=RecordOptionsSelect, **kwargs
    )


class FollowUpActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"), method="filter_text", help_text=_("Words in the title or description.")
    )
    status = django_filters.MultipleChoiceFilter(
        label=pgettext_lazy("of an action", "Status"),
        choices=FollowUpAction.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # one row per action already; DISTINCT would only slow the count
    )
    # Their choices are read in __init__, once per request.
    forum = _select(_("Forum"), _("Any forum"), field_name="forum_id")
    round_table = _select(_("Round table"), _("Any round table"), field_name="round_table_id")
    session = _select(_("Session"), _("Any session"), field_name="session_id")
    organisation = _select(_("Organisation"), _("Any organisation"), method="filter_organisation")
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=ROLE_CHOICES,
        empty_label=None,  # none chosen is "either"
        method="filter_role",
        widget=ManyOptionsSelect,
    )
    lead = _select(
        pgettext_lazy("organisation's role in an action", "Lead"),
        _("Any lead"),
        method="filter_lead",
    )
    partner = _select(_("Partner"), _("Any partner"), method="filter_partner")
    agency = _select(_("Lead or partner"), _("Any organisation"), method="filter_agency")
    due_after = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="gte",
        label=_("Due on or after"),
        widget=IsoDateInput,
    )
    due_before = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lte",
        label=_("Due on or before"),
        widget=IsoDateInput,
    )
    overdue = django_filters.ChoiceFilter(
        method="filter_overdue",
        label=_("Overdue"),
        choices=[("true", _("Overdue only")), ("false", _("Not overdue"))],
        empty_label=pgettext_lazy("overdue or not: no choice made", "Any"),
        widget=ManyOptionsSelect,
    )
    stale = django_filters.NumberFilter(
        method="filter_stale",
        label=_("No update for (days)"),
        min_value=1,
        max_value=36500,
        help_text=_("Open actions nobody has reported on for this many days."),
    )

    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=_("Due date, soonest first"),
        widget=ManyOptionsSelect,
    )

    class Meta:
        model = FollowUpAction
        fields = []  # every filter is declared above
        form = ActionFilterForm

    def __init__(self, *args, organisation_ids=None, **kwargs):
        """`organisation_ids`: {acronym: id} of every organisation, if the view has read it."""
        super().__init__(*args, **kwargs)
        # Read each list of choices once: the form validates and renders it several times,
        # and organisation, lead, partner and agency share one list of organisations.
        # Acronyms in the form; ids in the SQL, so the planner can use its statistics.
        if organisation_ids is None:
            organisation_ids = organisation_ids_by_acronym()
        self.organisation_ids = organisation_ids
        organisations = SharedChoices((acronym, acronym) for acronym in self.organisation_ids)
        self.forum_tree = forum_tree_choices()
        round_tables, sessions = self._offered_round_tables_and_sessions(self.forum_tree)
        fixed_choices = {
            "forum": SharedChoices(self.forum_tree.forums),
            "round_table": SharedChoices(round_tables),
            "session": SharedChoices(sessions),
            "organisation": organisations,
            "lead": organisations,
            "partner": organisations,
            "agency": organisations,
        }
        for name, choices in fixed_choices.items():
            self.filters[name].extra["choices"] = choices
        # {acronym: ActionsOfOrganisations}: each organisation's actions are read once.
        self._lead_or_partner = {}

    def _chosen_pk(self, name, choices):
        """The pk the address chose for `name`, if it is one of `choices` (read before the
        form validates, because the choices the form offers depend on it)."""
        raw = self.data.get(name) if self.is_bound else None
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            return None
        return pk if pk in choices else None

    def _refuse_choice(self, name, message):
        """`name`'s value is a real one that does not belong with the others chosen: say so
        in words, in place of "Select a valid choice"."""
        # The field formats its message with %(value)s: keep any % in the labels as it is.
        self.filters[name].extra["error_messages"] = {"invalid_choice": message.replace("%", "%%")}

    def _offered_round_tables_and_sessions(self, tree: ForumTree):
        """The round tables and sessions the form offers: those of the chosen forum, and the
        sessions of the chosen round table. One of another forum (in an old link, or typed
        into the address) is refused with a message saying why, not listed as 0 actions."""
        forums, round_tables = dict(tree.forums), dict(tree.round_tables)
        forum_pk = self._chosen_pk("forum", forums)
        round_table_pk = self._chosen_pk("round_table", round_tables)
        session_pk = self._chosen_pk("session", dict(tree.sessions))
        offered_round_tables, offered_sessions = tree.round_tables, tree.sessions
        # Once the sessions are narrowed: the sentence refusing a session of elsewhere.
        refused_session = None
        if forum_pk is not None:
            offered_round_tables = [
                (pk, label)
                for pk, label in tree.round_tables
                if tree.forum_of_round_table[pk] == forum_pk
            ]
            if round_table_pk is not None and tree.forum_of_round_table[round_table_pk] != forum_pk:
                self._refuse_choice(
                    "round_table",
                    gettext(
                        # Translators: any_forum is the forum filter's empty choice, "Any forum".
                        "“%(round_table)s” is not a round table of %(forum)s. "
                        "Choose one of its round tables, or “%(any_forum)s”."
                    )
                    % {
                        "round_table": round_tables[round_table_pk],
                        "forum": forums[forum_pk],
                        "any_forum": self.filters["forum"].extra["empty_label"],
                    },
                )
                round_table_pk = None
        if round_table_pk is not None:
            offered_sessions = [
                (pk, label)
                for pk, label in tree.sessions
                if tree.round_table_of_session[pk] == round_table_pk
            ]
            refused_session = gettext(
                # Translators: any_session is the session filter's empty choice, "Any session".
                "“%(session)s” is not a session of round table “%(round_table)s”. "
                "Choose one of its sessions, or “%(any_session)s”."
            )
        elif forum_pk is not None:
            offered_sessions = [
                (pk, label)
                for pk, label in tree.sessions
                if tree.forum_of_round_table[tree.round_table_of_session[pk]] == forum_pk
            ]
            refused_session = gettext(
                # Translators: any_session is the session filter's empty choice, "Any session".
                "“%(session)s” is not a session of %(forum)s. "
                "Choose one of its sessions, or “%(any_session)s”."
            )
        if refused_session and session_pk is not None and session_pk not in dict(offered_sessions):
            self._refuse_choice(
                "session",
                refused_session
                % {
                    "session": dict(tree.sessions)[session_pk],
                    "round_table": round_tables.get(round_table_pk),
                    "forum": forums.get(forum_pk),
                    "any_session": self.filters["session"].extra["empty_label"],
                },
            )
        return offered_round_tables, offered_sessions

    def dependent_choices(self):
        """For static/js/dependent-choices.js: every round table and session with its parent,
        so the page can narrow them as soon as a forum or round table is chosen."""
        return dependent_choices_data(self.forum_tree)

    def shown_fields(self):
        """The form's fields to render: the old organisation fields only on a list opened
        with one of them."""
        old_link = self.is_bound and any(self.data.get(name) for name in OLD_ORGANISATION_FILTERS)
        return [
            field for field in self.form if old_link or field.name not in OLD_ORGANISATION_FILTERS
        ]

    @property
    def qs(self):
        queryset = super().qs
        if not self.is_bound or not self.form.cleaned_data.get("sort"):
            queryset = order_actions(queryset, DEFAULT_SORT)
        return queryset

    def narrowing_filters(self) -> set[str]:
        """The names of the filters that leave out actions (sorting does not)."""
        if not self.is_bound:
            return set()
        chosen = self.form.cleaned_data
        narrowing = {
            name
            for name, value in chosen.items()
            if name not in ("sort", "role") and value not in (None, "", [])
        }
        # A role narrows only an organisation's actions, and "either" not even those.
        if "organisation" in narrowing and chosen.get("role") not in ("", ROLE_EITHER):
            narrowing.add("role")
        return narrowing

    def current_sort(self) -> str:
        """The ?sort= value the list is in: the chosen one, else the default."""
        chosen = self.form.cleaned_data.get("sort") if self.is_bound else None
        return chosen or DEFAULT_SORT

    def filter_sort(self, queryset, name, value):
        return order_actions(queryset, value)

    def filter_text(self, queryset, name, value):
        return search_actions(queryset, value)

    def filter_organisation(self, queryset, name, value):
        role = self.form.cleaned_data.get("role") or ROLE_EITHER
        by_role = {
            ROLE_EITHER: self.filter_agency,
            ROLE_LEAD: self.filter_lead,
            ROLE_PARTNER: self.filter_partner,
        }
        return by_role[role](queryset, name, value)

    def filter_role(self, queryset, name, value):
        return queryset  # filter_organisation reads it

    def filter_lead(self, queryset, name, value):
        # Lead or co-lead, from ActionParticipant's rows of the leading roles. By id, not
        # through the organisation's acronym: with the id in the SQL the planner knows from
        # its statistics how many actions this organisation leads.
        return queryset.filter(pk__in=led_by([self.organisation_ids[value]]))

    def filter_partner(self, queryset, name, value):
        return queryset.filter(pk__in=partnered_by([self.organisation_ids[value]]))

    def lead_or_partner_of(self, acronym: str) -> ActionsOfOrganisations:
        """The actions this organisation leads or partners in, read once per list: the
        filter narrows the list with them, and the list can be counted from them."""
        if acronym not in self._lead_or_partner:
            self._lead_or_partner[acronym] = ActionsOfOrganisations(
                [self.organisation_ids[acronym]]
            )
        return self._lead_or_partner[acronym]

    def lead_or_partner_actions(self) -> ActionsOfOrganisations | None:
        """The chosen organisation's actions (?agency=, or ?organisation= with either role),
        or None when the list chose none."""
        if not self.is_bound:
            return None
        chosen = self.form.cleaned_data
        acronym = chosen.get("agency")
        if not acronym and (chosen.get("role") or ROLE_EITHER) == ROLE_EITHER:
            acronym = chosen.get("organisation")
        return self.lead_or_partner_of(acronym) if acronym else None

    def chosen_lead_id(self) -> int | None:
        """The id of the organisation whose led actions the list shows (?lead=, or
        ?organisation= with role lead), or None."""
        if not self.is_bound:
            return None
        chosen = self.form.cleaned_data
        acronym = chosen.get("lead")
        if not acronym and chosen.get("role") == ROLE_LEAD:
            acronym = chosen.get("organisation")
        return self.organisation_ids[acronym] if acronym else None

    def filter_agency(self, queryset, name, value):
        return self.lead_or_partner_of(value).filter(queryset)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value == "true" else queryset.not_overdue()

    def filter_stale(self, queryset, name, value):
        return queryset.stale(int(value))
