"""The action table's rows and the status badge, built in Python.

A list page shows 25 rows. The template engine, resolving one variable and one filter at
a time, took 24 ms of an 80 ms page at 100,000 actions to render them (bench/RESULTS.md).
Here the same markup is built as f-strings with every database value escaped (Django's
escape(), as the template would), and what cost most per row is done once per table:
reverse() (about 50 µs a call on our machine), the current time zone and the month
names of the "j M Y" date format. format_html
cost 4 ms a table in its checks of each argument. The table around the rows (caption,
sortable headers, empty text) stays in templates/actions/_action_table.html.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

register = template.Library()

NOTHING = mark_safe('<span class="muted">–</span>')
NOT_NAMED = mark_safe('<span class="muted">Not named</span>')
OVERDUE_FLAG = mark_safe(' <span class="flag">Overdue</span>')
_ANY_PK = 8_642_097_531  # stands for the pk in a reversed URL; no real pk is this long


@register.simple_tag
def status_badge(action, today=None):
    """The status, flagged when overdue (FollowUpAction.is_overdue decides)."""
    badge = mark_safe(
        f'<span class="status status-{escape(action.status)}">'
        f"{escape(action.get_status_display())}</span>"
    )
    return badge + OVERDUE_FLAG if action.is_overdue(today) else badge


class _TableRows:
    """Builds the rows of one table. Every value from the database goes through escape()."""

    def __init__(self, today):
        self.today = today
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
            self.agency_urls[acronym] = escape(reverse("agency_detail", args=[acronym]))
        return f'<a href="{self.agency_urls[acronym]}">{escape(acronym)}</a>'

    @staticmethod
    def partners(action):
        acronyms = [escape(partner.acronym) for partner in action.partner_list]
        return ", ".join(acronyms) if acronyms else NOTHING

    @staticmethod
    def origin(action):
        forum = escape(action.forum.short_name)
        if action.session:
            return f"{forum} · {escape(action.session.code)}"
        if action.round_table:
            return f"{forum} · RT {action.round_table.number}"
        return forum

    def due(self, action):
        if not action.due_date:
            return NOTHING
        due = action.due_date
        return f'<time datetime="{due.isoformat()}">{self.day(due)}</time>'

    def last_update(self, action):
        if not action.reported_in_portal:
            return '<span class="muted">Not reported in the portal yet</span>'
        reported = action.last_reported_at.astimezone(self.zone)
        moment = reported.isoformat(timespec="seconds")  # HTML allows no microseconds
        cell = f'<time datetime="{moment}">{self.day(reported)}</time>'
        if action.status_changed_at is None:
            cell += '<br><span class="muted">confirmed; status as the source gives it</span>'
        elif action.status_changed_at < action.last_reported_at:
            # A report that confirmed the status without changing it.
            changed = self.day(action.status_changed_at.astimezone(self.zone))
            cell += f'<br><span class="muted">confirmed; changed {changed}</span>'
        return cell

    def row(self, action):
        before, after = self.action_url
        return (
            f'<tr><td><a href="{before}{action.pk}{after}">{escape(action.title)}</a></td>'
            f"<td>{self.lead(action)}</td><td>{self.partners(action)}</td>"
            f"<td>{self.origin(action)}</td><td>{status_badge(action, self.today)}</td>"
            f'<td class="num"><span class="progress"><progress max="100" value="{action.progress}"'
            f' aria-hidden="true"></progress>{action.progress}%</span></td>'
            f"<td>{self.due(action)}</td><td>{self.last_update(action)}</td></tr>"
        )


@register.simple_tag
def action_rows(actions, today=None):
    """One <tr> per action; `actions` come from FollowUpAction.objects.for_list()."""
    rows = _TableRows(today or timezone.localdate())
    return mark_safe("\n".join(rows.row(action) for action in actions))


@register.filter(needs_autoescape=True)
def as_written(text, autoescape=True):
    """Plain text as people wrote it: escaped, line breaks kept, URLs as links that pass
    no ranking and no window handle to the site they point at."""
    linked = urlize(text, nofollow=True, autoescape=autoescape)
    # urlize escaped the text, so a quote in it cannot be this literal attribute.
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow noopener"')
    return mark_safe(linked.replace("\n", "<br>"))
