"""The action table's rows, the status badge, and text as people wrote it.

Everything is built with format_html, which escapes every value it is given as the
template engine does. The rows are not a template: the template engine took several times
as long for 25 rows (bench/RESULTS.md, issue "Architecture"), and the list pages render a
table on every request. What costs most per row is done once per table: reverse(), the
time zone, the translated words, and the month names of the short date. The
table around the rows (caption, sortable headers, empty text) is
templates/actions/_action_table.html.

A row holds the record's words (title, organisations, forum), which stay English in any
language: the row says lang="en", and what is in the page's words (status, dates, the
checkbox's label, "RT 2") says the page's language.

On /actions/ and /my/ each row may start with a checkbox of the bulk form (form="bulk-form",
outside the table): "pk:version", the version the list showed, so a row saved by someone
else meanwhile is refused as stale rather than overwritten.
"""

import datetime
import functools

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import conditional_escape, format_html, format_html_join, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from actions.wording import percent, progress_in_words

register = template.Library()

# Constant markup, no word and no value from the database in it.
NOTHING = mark_safe('<span class="muted">–</span>')
_ANY_PK = 8_642_097_531  # stands for the pk in a reversed URL; no real pk is this long
# Short date formats whose month alone needs a lookup: "j M Y" (English), "j N Y" (French),
# "j b Y" (Spanish). Others are left to date_format, which takes a hundred times as long per date.
_DAY_MONTH_YEAR_FORMATS = {"j M Y": "M", "j N Y": "N", "j b Y": "b"}


def _overdue_flag():
    return format_html(' <span class="flag">{}</span>', gettext("Overdue"))


def _assumed_note():
    return format_html(
        '<span class="status-assumed">{}</span>', gettext("assumed: not stated in the source")
    )


def _status_badge(action, today, overdue_flag, assumed_note):
    return format_html(
        '<span class="status status-{}">{}</span>{}{}',
        action.status,
        action.get_status_display(),
        overdue_flag if action.is_overdue(today) else "",
        assumed_note if action.status_assumed else "",
    )


@register.simple_tag
def status_badge(action, today=None):
    """The status, flagged when overdue (FollowUpAction.is_overdue decides), and said to be
    assumed where the source does not state it."""
    return _status_badge(action, today, _overdue_flag(), _assumed_note())


@functools.lru_cache(maxsize=16)
def _month_names(language, month_format):
    """("", name of January, ...) as `month_format` ("M", "N") gives them in `language`
    (the caller's active language: the key keeps each language's names apart)."""
    return ("",) + tuple(
        dateformat.format(datetime.date(2000, month, 1), month_format) for month in range(1, 13)
    )


# The row is the record's (lang="en"); the cells in the page's words say {lang}.
_CELLS = (
    '<td><a href="{}{}{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td lang="{lang}">{}</td>'
    '<td class="num" lang="{lang}">{}</td><td lang="{lang}">{}</td>'
    '<td lang="{lang}">{}</td>'
)
# The bulk form's checkbox: "pk:version", the version this list shows.
_SELECT_CELL = (
    '<td class="select-cell" lang="{lang}"><input type="checkbox" name="selected" value="{}:{}"'
    ' form="bulk-form" aria-label="{}"></td>'
)
_ROW = '<tr lang="en">' + _CELLS + "</tr>"
_SELECTABLE_ROW = '<tr lang="en">' + _SELECT_CELL + _CELLS + "</tr>"


class _TableRows:
    """Builds the rows of one table, each with format_html."""

    def __init__(self, today, selectable=False):
        self.today = today
        self.selectable = selectable
        # Read once per table: the language and time zone may change between requests.
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        short_date = formats.get_format("SHORT_DATE_FORMAT")
        month_format = _DAY_MONTH_YEAR_FORMATS.get(short_date)
        self.months = _month_names(self.language, month_format) if month_format else None
        self.zone = timezone.get_current_timezone()
        self.action_url = reverse("action_detail", args=[_ANY_PK]).split(str(_ANY_PK))
        self.agency_urls = {}
        self.overdue_flag = _overdue_flag()
        self.assumed_note = _assumed_note()
        self.progress_not_reported = format_html(
            '<span class="muted">{}</span>', progress_in_words(None)
        )
        # Translators: the label of a row's checkbox, with the action's title.
        self.select_label = gettext("Select %(title)s")
        # Translators: under the date of a report that confirmed the status unchanged.
        self.confirmed_changed = gettext("confirmed; changed %(day)s")
        self.round_table_name = pgettext(
            "a round table named in short, by its number", "RT %(number)s"
        )
        # In the lead's cell, which is the record's: the words say the page's language.
        self.not_named = format_html(
            '<span class="muted" lang="{}">{}</span>',
            self.language,
            pgettext("an action's lead organisation", "Not named"),
        )
        self.not_reported = format_html(
            '<span class="muted">{}</span>', gettext("Not reported in the portal yet")
        )
        self.as_the_source_gives = format_html(
            '<br><span class="muted">{}</span>', gettext("confirmed; status as the source gives it")
        )

    def day(self, value):
        """As the date filter's "SHORT_DATE_FORMAT" says it: 5 Mar 2027, 5 mars 2027."""
        if self.months is None:
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return f"{value.day} {self.months[value.month]} {value.year}"

    def lead(self, action):
        if action.lead is None:
            return self.not_named
        # The lead, then its co-leads (rare: most actions have one lead).
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (self.agency_url(organisation.acronym), organisation.acronym)
                for organisation in (action.lead, *action.co_lead_list)
            ),
        )

    def agency_url(self, acronym):
        if acronym not in self.agency_urls:
            self.agency_urls[acronym] = reverse("agency_detail", args=[acronym])
        return self.agency_urls[acronym]

    @staticmethod
    def partners(action):
        if not action.partner_list:
            return NOTHING
        return format_html_join(", ", "{}", ((partner.acronym,) for partner in action.partner_list))

    def origin(self, action):
        if action.session:
            return format_html("{} · {}", action.forum.short_name, action.session.code)
        if action.round_table:
            # The forum's name is the record's; "RT 2" is in the page's words.
            return format_html(
                '{} · <span lang="{}">{}</span>',
                action.forum.short_name,
                self.language,
                self.round_table_name % {"number": action.round_table.number},
            )
        return action.forum.short_name

    def progress(self, action):
        if action.progress is None:
            return self.progress_not_reported
        return format_html(
            '<span class="progress"><progress max="100" value="{}" aria-hidden="true">'
            "</progress>{}</span>",
            action.progress,
            percent(action.progress),
        )

    def due(self, action):
        if not action.due_date:
            return NOTHING
        due = action.due_date
        return format_html('<time datetime="{}">{}</time>', due.isoformat(), self.day(due))

    def last_update(self, action):
        if not action.reported_in_portal:
            return self.not_reported
        reported = action.last_reported_at.astimezone(self.zone)
        moment = reported.isoformat(timespec="seconds")  # HTML allows no microseconds
        cell = format_html('<time datetime="{}">{}</time>', moment, self.day(reported))
        if action.status_changed_at is None:
            return cell + self.as_the_source_gives
        if action.status_changed_at < action.last_reported_at:
            # A report that confirmed the status without changing it.
            changed = self.day(action.status_changed_at.astimezone(self.zone))
            return format_html(
                '{}<br><span class="muted">{}</span>',
                cell,
                self.confirmed_changed % {"day": changed},
            )
        return cell

    def row(self, action):
        before, after = self.action_url
        title = conditional_escape(action.title)
        cells = (
            before,
            action.pk,
            after,
            title,
            self.lead(action),
            self.partners(action),
            self.origin(action),
            _status_badge(action, self.today, self.overdue_flag, self.assumed_note),
            self.progress(action),
            self.due(action),
            self.last_update(action),
        )
        if self.selectable:
            label = self.select_label % {"title": action.title}
            return format_html(
                _SELECTABLE_ROW, action.pk, action.version, label, *cells, lang=self.language
            )
        return format_html(_ROW, *cells, lang=self.language)


@register.simple_tag
def action_rows(actions, today=None, selectable=False):
    """One <tr> per action; `actions` come from FollowUpAction.objects.for_list().
    `selectable`: each row starts with its checkbox of the bulk form."""
    rows = _TableRows(today or timezone.localdate(), bool(selectable))
    return format_html_join("\n", "{}", ((rows.row(action),) for action in actions))


@register.filter(name="percent")
def percent_filter(number):
    """{{ forum.average_progress|percent }}: "40%", "40 %" (actions.wording.percent)."""
    return percent(number)


@register.filter(name="progress_in_words")
def progress_in_words_filter(progress):
    """{{ action.progress|progress_in_words }}: "40%", or "not reported" (actions.wording)."""
    return progress_in_words(progress)


@register.filter(needs_autoescape=True)
def as_written(text, autoescape=True):
    """Plain text as people wrote it: escaped, line breaks kept, URLs as links that pass
    no ranking and no window handle to the site they point at."""
    linked = urlize(text, nofollow=True, autoescape=autoescape)
    # urlize escaped the text, so a quote in it cannot be this literal attribute.
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow noopener"')
    return mark_safe(linked.replace("\n", "<br>"))


@register.filter
def record_words(text):
    """The record's own words (a title, acronyms) inside a translated sentence: marked as
    English, so a screen reader reading a French or Spanish page says them as English."""
    return format_html('<span lang="en">{}</span>', text)


@register.simple_tag
def agency_links(acronyms):
    """Links to these organisations' pages, comma-separated ("IOM, ILO"), to name them in
    a translated sentence (a {% for %} cannot be inside {% blocktranslate %})."""
    return format_html_join(
        ", ",
        '<a href="{}" lang="en">{}</a>',
        ((reverse("agency_detail", args=[acronym]), acronym) for acronym in acronyms),
    )
