"""The action table's rows, the status badge, and text as people wrote it.

Everything is built with format_html, which escapes every value it is given as the
template engine does. The rows are not a template: the template engine took several times
as long for 25 rows (bench/RESULTS.md, issue "Architecture"), and the list pages render a
table on every request. What costs most per row is done once per table: reverse(), the
time zone and the month names of "j M Y". The
table around the rows (caption, sortable headers, empty text) is
templates/actions/_action_table.html.

On /actions/ and /my/ each row may start with a checkbox of the bulk form (form="bulk-form",
outside the table): "pk:version", the version the list showed, so a row saved by someone
else meanwhile is refused as stale rather than overwritten.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html, format_html_join, urlize
from django.utils.safestring import mark_safe

register = template.Library()

# Constant markup, no value from the database in it.
NOTHING = mark_safe('<span class="muted">–</span>')
NOT_NAMED = mark_safe('<span class="muted">Not named</span>')
NOT_REPORTED = mark_safe('<span class="muted">Not reported in the portal yet</span>')
AS_THE_SOURCE_GIVES = mark_safe(
    '<br><span class="muted">confirmed; status as the source gives it</span>'
)
OVERDUE_FLAG = mark_safe(' <span class="flag">Overdue</span>')
_ANY_PK = 8_642_097_531  # stands for the pk in a reversed URL; no real pk is this long


@register.simple_tag
def status_badge(action, today=None):
    """The status, flagged when overdue (FollowUpAction.is_overdue decides)."""
    return format_html(
        '<span class="status status-{}">{}</span>{}',
        action.status,
        action.get_status_display(),
        OVERDUE_FLAG if action.is_overdue(today) else "",
    )


_CELLS = (
    '<td><a href="{}{}{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
    '<td class="num"><span class="progress"><progress max="100" value="{}"'
    ' aria-hidden="true"></progress>{}%</span></td><td>{}</td><td>{}</td>'
)
# The bulk form's checkbox: "pk:version", the version this list shows.
_SELECT_CELL = (
    '<td class="select-cell"><input type="checkbox" name="selected" value="{}:{}"'
    ' form="bulk-form" aria-label="Select {}"></td>'
)
_ROW = "<tr>" + _CELLS + "</tr>"
_SELECTABLE_ROW = "<tr>" + _SELECT_CELL + _CELLS + "</tr>"


class _TableRows:
    """Builds the rows of one table, each with format_html."""

    def __init__(self, today, selectable=False):
        self.today = today
        self.selectable = selectable
        # Read once per table: the language and time zone may change between requests.
        self.months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]
        self.zone = timezone.get_current_timezone()
        self.action_url = reverse("action_detail", args=[_ANY_PK]).split(str(_ANY_PK))
        self.agency_urls = {}

    def day(self, value):
        """Like the date filter's "j M Y": 5 Mar 2027."""
        return f"{value.day} {self.months[value.month]} {value.year}"

    def lead(self, action):
        if action.lead is None:
            return NOT_NAMED
        acronym = action.lead.acronym
        if acronym not in self.agency_urls:
            self.agency_urls[acronym] = reverse("agency_detail", args=[acronym])
        return format_html('<a href="{}">{}</a>', self.agency_urls[acronym], acronym)

    @staticmethod
    def partners(action):
        if not action.partner_list:
            return NOTHING
        return format_html_join(", ", "{}", ((partner.acronym,) for partner in action.partner_list))

    @staticmethod
    def origin(action):
        if action.session:
            return format_html("{} · {}", action.forum.short_name, action.session.code)
        if action.round_table:
            return format_html("{} · RT {}", action.forum.short_name, action.round_table.number)
        return action.forum.short_name

    def due(self, action):
        if not action.due_date:
            return NOTHING
        due = action.due_date
        return format_html('<time datetime="{}">{}</time>', due.isoformat(), self.day(due))

    def last_update(self, action):
        if not action.reported_in_portal:
            return NOT_REPORTED
        reported = action.last_reported_at.astimezone(self.zone)
        moment = reported.isoformat(timespec="seconds")  # HTML allows no microseconds
        cell = format_html('<time datetime="{}">{}</time>', moment, self.day(reported))
        if action.status_changed_at is None:
            return cell + AS_THE_SOURCE_GIVES
        if action.status_changed_at < action.last_reported_at:
            # A report that confirmed the status without changing it.
            changed = self.day(action.status_changed_at.astimezone(self.zone))
            return format_html(
                '{}<br><span class="muted">confirmed; changed {}</span>', cell, changed
            )
        return cell

    def row(self, action):
        before, after = self.action_url
        title = conditional_escape(action.title)  # escaped once, shown twice when selectable
        cells = (
            before,
            action.pk,
            after,
            title,
            self.lead(action),
            self.partners(action),
            self.origin(action),
            status_badge(action, self.today),
            action.progress,
            action.progress,
            self.due(action),
            self.last_update(action),
        )
        if self.selectable:
            return format_html(_SELECTABLE_ROW, action.pk, action.version, title, *cells)
        return format_html(_ROW, *cells)


@register.simple_tag
def action_rows(actions, today=None, selectable=False):
    """One <tr> per action; `actions` come from FollowUpAction.objects.for_list().
    `selectable`: each row starts with its checkbox of the bulk form."""
    rows = _TableRows(today or timezone.localdate(), bool(selectable))
    return format_html_join("\n", "{}", ((rows.row(action),) for action in actions))


@register.filter(needs_autoescape=True)
def as_written(text, autoescape=True):
    """Plain text as people wrote it: escaped, line breaks kept, URLs as links that pass
    no ranking and no window handle to the site they point at."""
    linked = urlize(text, nofollow=True, autoescape=autoescape)
    # urlize escaped the text, so a quote in it cannot be this literal attribute.
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow noopener"')
    return mark_safe(linked.replace("\n", "<br>"))
