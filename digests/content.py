"""What goes into the weekly digests: read-only selectors, no sending here.

A focal point's digest covers the actions their organisations lead or partner in; the
secretariat's overview covers everything. Both are built in a fixed number of queries
and hold plain data, so rendering them never touches the database.

One run's digests go to readers of every language and share what was read (the items, the
overview), so what is built holds no words in any language: labels stay lazy, and dates
and the history's words are written when the digest is rendered, in the reader's language.
"""

import datetime
import heapq
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from actions.models import (
    ActionTally,
    FollowUpAction,
    StatusChange,
    due_within_condition,
    overdue_condition,
    stale_condition,
)
from actions.wording import progress_in_words
from agencies.models import Organisation, secretariat_condition

from .models import DigestDelivery, DigestPreference
from .tokens import unsubscribe_token

# The one definition of the digest's thresholds: the builder reads them, and the e-mails
# print them from the digest (digest.due_soon_days, digest.stale_days).
DUE_SOON_DAYS = 14
STALE_DAYS = 30
CHANGES_DAYS = 7
# A digest lists at most this many items per section, then links to the full list: a
# weekly e-mail is read, not searched (and ten rows render in a third less time than twenty).
SECTION_LIMIT = 10
# The secretariat overview shows the oldest few overdue actions of each lead.
OVERDUE_PER_LEAD = 5
# Its heading of the overdue actions without a lead (translated where shown).
NO_LEAD = gettext_noop("No lead named")
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def current_week(now=None):
    year, week, _ = timezone.localdate(now).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value):
    """'2026-W48' -> the week's label; ValueError with a readable message otherwise."""
    match = WEEK_PATTERN.match(value or "")
    if not match:
        raise ValueError(
            gettext("“%(value)s” is not an ISO week such as 2026-W48.") % {"value": value}
        )
    year, week = int(match[1]), int(match[2])
    try:
        datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(
            gettext("%(year)s has no week %(week)s.") % {"year": year, "week": week}
        ) from None
    return f"{year}-W{week:02d}"


def week_reference_time(week, now=None):
    """The moment a week's digest describes: now for the current week, else that Monday 06:00."""
    now = now or timezone.now()
    if week == current_week(now):
        return now
    year, number = (int(part) for part in WEEK_PATTERN.match(week).groups())
    monday = datetime.date.fromisocalendar(year, number, 1)
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time(6, 0)))


def _last_report_words(moment):
    # An action loaded from the GFMD record has no report in the portal: not "today".
    return day_month_year(moment) if moment else gettext("none in the portal yet")


def day_month_year(value):
    """26 February 2009 (26 février 2009): how the e-mails write a date (or the local date
    of a moment), in the active language."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return formats.date_format(value, "DATE_FORMAT")


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


@dataclass
class DigestItem:
    title: str
    url: str
    lead: str
    status: str
    progress: int | None  # None: not reported
    due_date: datetime.date | None = None
    days_overdue: int | None = None
    last_reported_at: datetime.datetime | None = None

    # Dates as the e-mails print them, formatted here: the template filter, run for every
    # item of thousands of digests, cost more than building the rest of the digest.
    @property
    def due(self):
        return day_month_year(self.due_date)

    @property
    def last_report(self):
        return _last_report_words(self.last_reported_at)

    @property
    def progress_words(self):
        # "40%", "not reported", in the reader's language when shown (actions.wording).
        return progress_in_words(self.progress)


@dataclass
class ChangeItem:
    title: str
    url: str
    change: StatusChange
    changed_by: str
    changed_at: datetime.datetime
    note: str

    @property
    def summary(self):
        # StatusChange.summary, the history's own words: worded when shown, in the reader's
        # language (the item is made once for the readers of every language).
        return self.change.summary

    @property
    def changed_on(self):
        return formats.date_format(timezone.localtime(self.changed_at), "MONTH_DAY_FORMAT")


def _item(action, today):
    return _item_from(
        pk=action.pk,
        title=action.title,
        lead=action.lead.acronym if action.lead_id else "",
        status=action.status,
        progress=action.progress,
        due_date=action.due_date,
        last_reported_at=action.last_reported_at,
        overdue=action.is_overdue(today),
        today=today,
    )


def _item_from(*, pk, title, lead, status, progress, due_date, last_reported_at, overdue, today):
    return DigestItem(
        title=title,
        url=absolute_url(reverse("action_detail", args=[pk])),
        lead=lead or "",
        status=FollowUpAction.Status(status).label,
        progress=progress,
        due_date=due_date,
        days_overdue=(today - due_date).days if overdue else None,
        last_reported_at=last_reported_at,
    )


# Who made a change nobody in the portal made.
FROM_THE_RECORD = gettext_lazy("GFMD record")


def _change_item(change):
    who = change.changed_by
    return ChangeItem(
        title=change.action.title,
        url=absolute_url(reverse("action_detail", args=[change.action_id])),
        change=change,
        changed_by=(who.get_full_name() or who.username) if who else FROM_THE_RECORD,
        changed_at=change.changed_at,
        note=change.note,
    )


def _footer_links(user, preference, preview=False):
    # A preview shows someone else's digest: a live token in it would act for them.
    if preview:
        return {"is_preview": True}
    return {
        "settings_url": absolute_url(reverse("digest_settings")),
        "unsubscribe_url": absolute_url(
            reverse("digest_unsubscribe", args=[unsubscribe_token(user, preference)])
        ),
    }


@dataclass
class Section:
    """One list in a digest: the first SECTION_LIMIT items, the full count, a link to all."""

    items: list
    total: int
    more_url: str = ""

    @property
    def hidden(self):
        return self.total - len(self.items)

    def __bool__(self):
        return self.total > 0

    def __len__(self):
        return self.total

    def __iter__(self):
        return iter(self.items)


# What "open" means to the lists' ?status= filter: what an action needing attention can be.
OPEN_STATUSES = [
    status
    for status in FollowUpAction.Status.values
    if status not in FollowUpAction.CLOSED_STATUSES
]


def _list_url(name, **filters):
    """An absolute link to a list page ("my_assignments", "action_list") filtered with the
    GET parameters of actions.filters.FollowUpActionFilter, so it shows what a section holds."""
    return absolute_url(f"{reverse(name)}?{urlencode(filters, doseq=True)}")


def _section(queryset, to_item, more_url=""):
    """The first items of a queryset and its total, in one query (a window count)."""
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:SECTION_LIMIT])
    total = rows[0].section_total if rows else 0
    return Section([to_item(row) for row in rows], total, more_url)


@dataclass(kw_only=True)
class Digest:
    """What both kinds of digest have: whose, which week, the week's changes, the footer's
    links (inert in a preview), and how many items they hold."""

    user: object
    week: str
    changes: Section
    stale_days: int
    settings_url: str = ""
    unsubscribe_url: str = ""
    is_preview: bool = False

    @property
    def item_count(self):
        return self.attention_count + self.changes.total

    @property
    def is_empty(self):
        return self.item_count == 0


@dataclass(kw_only=True)
class FocalPointDigest(Digest):
    organisations: list[str]
    overdue: Section
    due_soon: Section
    stale: Section
    attention_count: int
    due_soon_days: int
    kind = DigestDelivery.Kind.FOCAL_POINT
    template = "digest-focal-point"


@dataclass
class OverdueGroup:
    lead: str
    items: list[DigestItem]
    total: int
    more_url: str = ""

    @property
    def hidden(self):
        return self.total - len(self.items)


@dataclass
class QuietOrganisation:
    acronym: str
    name: str
    url: str
    open_actions: int
    last_report_at: datetime.datetime

    @property
    def last_report(self):
        return _last_report_words(self.last_report_at)


@dataclass(kw_only=True)
class SecretariatDigest(Digest):
    status_counts: list[tuple[str, int]]
    overdue_groups: list[OverdueGroup]
    quiet_organisations: list[QuietOrganisation]
    kind = DigestDelivery.Kind.SECRETARIAT
    template = "digest-secretariat"

    @property
    def overdue_count(self):
        return sum(group.total for group in self.overdue_groups)

    @property
    def attention_count(self):
        return self.overdue_count + len(self.quiet_organisations)


@dataclass
class _Agenda:
    """What needs attention for one organisation: action id -> (flags and sort keys)."""

    actions: dict
    changes: list  # (changed_at, change id, changed_by id) of the week, newest first


@dataclass(frozen=True)
class _Attention:
    """What needs attention for a set of organisations: each section as (how many, the ids
    of the first SECTION_LIMIT), and how many actions need attention in all."""

    overdue: tuple
    due_soon: tuple
    stale: tuple
    count: int


READ_IT = object()  # DigestBuilder.build: the caller has not read the preference


class DigestBuilder:
    """Builds the digests of one week's run.

    Many focal points serve the same organisation, so each organisation's actions needing
    attention (with what a digest shows of each) and its week of changes are read once per
    run (one query for all the organisations a digest needs that the run has not seen yet),
    and each digest then merges its organisations' agendas and reads only the changes it
    shows that the run has not shown before. The secretariat overview is the same for every
    secretariat reader and is built once.
    """

    def __init__(self, week, now=None, whole_run=False):
        """`whole_run`: this builder will serve every focal point of the week (the command,
        the benchmark), so read all their organisations' agendas in one go at the start."""
        self.week = week
        # Read once per run, so the sections and the e-mails' wording agree.
        self.due_soon_days = DUE_SOON_DAYS
        self.stale_days = STALE_DAYS
        self.reference = week_reference_time(week, now)
        self.today = timezone.localdate(self.reference)
        self._agendas = {}
        self._attention = {}
        # What a digest shows of an action (read with the agendas) or a change, made once
        # per run when first shown: the focal points of one organisation see the same rows.
        self._shown_of_action = {}
        self._items = {}
        self._change_items = {}
        self._overview = None
        self._read_all_first = whole_run

    # --- focal points ---------------------------------------------------------------

    def _load_agendas(self, organisation_ids):
        if self._read_all_first:
            self._read_all_first = False
            organisation_ids = {
                *organisation_ids,
                *Organisation.objects.filter(focal_points__isnull=False).values_list(
                    "pk", flat=True
                ),
            }
        missing = [pk for pk in organisation_ids if pk not in self._agendas]
        if not missing:
            return
        for pk in missing:
            self._agendas[pk] = _Agenda(actions={}, changes=[])
        flags = {
            "is_overdue": ExpressionWrapper(overdue_condition(self.today), BooleanField()),
            "is_due_soon": ExpressionWrapper(
                due_within_condition(self.due_soon_days, self.today), BooleanField()
            ),
            "is_stale": ExpressionWrapper(
                stale_condition(self.stale_days, self.reference), BooleanField()
            ),
        }
        columns = ("org", "pk", "is_overdue", "is_due_soon", "is_stale", "due_date")
        # And what a digest shows of the action, so no digest reads it again.
        shown = ("title", "status", "progress", "lead__acronym")
        attention = FollowUpAction.objects.needing_attention(
            due_days=self.due_soon_days, stale_days=self.stale_days, now=self.reference
        ).annotate(**flags)
        # One row per organisation and role: an action its lead also partners in comes twice
        # and is kept once, by its id.
        rows = (
            attention.filter(participants__organisation__in=missing)
            .annotate(org=F("participants__organisation"))
            .order_by()
            .values_list(*columns, "last_reported_at", *shown)
        )
        for org, pk, overdue, due_soon, stale, due_date, last_report, *rest in rows:
            self._agendas[org].actions[pk] = (overdue, due_soon, stale, due_date, last_report)
            self._shown_of_action[pk] = (overdue, due_date, last_report, *rest)

        week_changes = (
            StatusChange.objects.news()
            .order_by()
            .filter(
                changed_at__gt=self.reference - datetime.timedelta(days=CHANGES_DAYS),
                changed_at__lte=self.reference,
            )
        )
        change_columns = ("pk", "changed_at", "changed_by_id")
        changes = (
            week_changes.filter(action__participants__organisation__in=missing)
            .annotate(org=F("action__participants__organisation"))
            .values_list("org", *change_columns)
            .distinct()  # the same change once per organisation, whatever its roles
        )
        for org, pk, changed_at, changed_by_id in changes:
            self._agendas[org].changes.append((changed_at, pk, changed_by_id))

    def _attention_of(self, organisations):
        """The overdue, due-soon and stale sections of these organisations' merged agendas:
        (how many, the first ids) each, worked out once per set of organisations: the ~300
        focal points of a busy organisation share its 10,000 actions needing attention."""
        if organisations not in self._attention:
            actions = {}
            for org in organisations:
                actions.update(self._agendas[org].actions)
            never = datetime.date.max

            def first(flag, key):
                chosen = [(key(row), pk) for pk, row in actions.items() if row[flag]]
                shown = heapq.nsmallest(SECTION_LIMIT, chosen)
                return len(chosen), [pk for _, pk in shown]

            self._attention[organisations] = _Attention(
                overdue=first(0, lambda row: row[3] or never),
                due_soon=first(1, lambda row: row[3] or never),
                # Never reported in the portal first, then the oldest report.
                stale=first(2, lambda row: (row[4] is not None, row[4] or 0)),
                count=len(actions),
            )
        return self._attention[organisations]

    def _item(self, pk):
        if pk not in self._items:
            row = self._shown_of_action[pk]
            overdue, due_date, last_report, title, status, progress, lead = row
            self._items[pk] = _item_from(
                pk=pk,
                title=title,
                lead=lead,
                status=status,
                progress=progress,
                due_date=due_date,
                last_reported_at=last_report,
                overdue=overdue,
                today=self.today,
            )
        return self._items[pk]

    def _change_items_of(self, change_ids):
        missing = [pk for pk in change_ids if pk not in self._change_items]
        if missing:
            changes = StatusChange.objects.select_related("action", "changed_by").in_bulk(missing)
            for pk, change in changes.items():
                self._change_items[pk] = _change_item(change)
        return {pk: self._change_items[pk] for pk in change_ids}

    def focal_point(self, user, preference=None, preview=False):
        organisations = dict(Organisation.objects.for_user(user).values_list("id", "acronym"))
        self._load_agendas(list(organisations))
        attention = self._attention_of(frozenset(organisations))
        (overdue, overdue_ids), (due_soon, due_soon_ids) = attention.overdue, attention.due_soon
        stale, stale_ids = attention.stale
        changes = {}
        for org in organisations:
            for changed_at, pk, changed_by_id in self._agendas[org].changes:
                if changed_by_id != user.pk:  # one's own reports are not news
                    changes[pk] = changed_at
        newest = sorted(((at, pk) for pk, at in changes.items()), reverse=True)
        change_ids = [pk for _, pk in newest[:SECTION_LIMIT]]

        shown = {pk: self._item(pk) for pk in {*overdue_ids, *due_soon_ids, *stale_ids}}
        shown_changes = self._change_items_of(change_ids)
        soon_end = self.today + datetime.timedelta(days=self.due_soon_days)
        # Each section's link shows on /my/ the actions the section counts, no more.
        return FocalPointDigest(
            user=user,
            week=self.week,
            organisations=sorted(organisations.values()),
            overdue=Section(
                [shown[pk] for pk in overdue_ids],
                overdue,
                _list_url("my_assignments", overdue="true"),
            ),
            due_soon=Section(
                [shown[pk] for pk in due_soon_ids],
                due_soon,
                _list_url(
                    "my_assignments",
                    due_after=self.today.isoformat(),
                    due_before=soon_end.isoformat(),
                    status=OPEN_STATUSES,  # a completed action due next week is not news
                ),
            ),
            stale=Section(
                [shown[pk] for pk in stale_ids],
                stale,
                _list_url("my_assignments", stale=self.stale_days),
            ),
            # No list shows a week of status changes; the digest says how many it left out.
            changes=Section([shown_changes[pk] for pk in change_ids], len(newest)),
            attention_count=attention.count,
            due_soon_days=self.due_soon_days,
            stale_days=self.stale_days,
            **_footer_links(user, preference, preview),
        )

    # --- the secretariat --------------------------------------------------------------

    def secretariat(self, user, preference=None, preview=False):
        if self._overview is None:
            self._overview = self._secretariat_overview()
        return SecretariatDigest(
            user=user,
            week=self.week,
            stale_days=self.stale_days,
            **self._overview,
            **_footer_links(user, preference, preview),
        )

    def _secretariat_overview(self):
        reference, today = self.reference, self.today
        actions = FollowUpAction.objects.all()
        counts = ActionTally.objects.status_counts()
        changes = (
            StatusChange.objects.news()
            .filter(
                changed_at__gt=reference - datetime.timedelta(days=CHANGES_DAYS),
                changed_at__lte=reference,
            )
            .select_related("action", "changed_by")
            .order_by("-changed_at", "-id")
        )
        # Per lead organisation: how many are overdue, and the oldest few of them.
        overdue = actions.overdue(today)
        totals = dict(overdue.values_list("lead_id").annotate(n=Count("pk")).order_by())
        oldest = (
            overdue.select_related("lead")
            .annotate(
                place=Window(
                    RowNumber(), partition_by=[F("lead_id")], order_by=[F("due_date"), F("pk")]
                )
            )
            .filter(place__lte=OVERDUE_PER_LEAD)
            .order_by("lead__acronym", "due_date", "pk")
        )
        groups = {}
        for action in oldest:
            groups.setdefault(action.lead_id, []).append(action)

        def biggest_backlog_first(group):
            # Then by name, the English one for the actions without a lead: the one order
            # for the readers of every language.
            lead_id, rows = group
            return -totals[lead_id], rows[0].lead.acronym if lead_id else NO_LEAD

        overdue_groups = [
            OverdueGroup(
                lead=rows[0].lead.acronym if lead_id else gettext_lazy(NO_LEAD),
                items=[_item(action, today) for action in rows],
                total=totals[lead_id],
                # No filter lists only the actions without a lead, so that group has
                # no link: all overdue actions would not be the ones it counts.
                more_url=_list_url("action_list", overdue="true", lead=rows[0].lead.acronym)
                if lead_id
                else "",
            )
            for lead_id, rows in sorted(groups.items(), key=biggest_backlog_first)
        ]
        quiet = (
            Organisation.objects.filter(led_actions__in=FollowUpAction.objects.open())
            .annotate(
                open_actions=Count("led_actions"),
                last_report=Max("led_actions__last_reported_at"),
            )
            .filter(
                Q(last_report__lt=reference - datetime.timedelta(days=self.stale_days))
                | Q(last_report__isnull=True)  # none of its actions reported in the portal
            )
            .order_by(F("last_report").asc(nulls_first=True), "acronym")
        )
        return {
            "status_counts": [
                (label, counts.get(value, 0)) for value, label in FollowUpAction.Status.choices
            ],
            "changes": _section(changes, _change_item),
            "overdue_groups": overdue_groups,
            "quiet_organisations": [
                QuietOrganisation(
                    acronym=org.acronym,
                    name=org.name,
                    url=absolute_url(reverse("agency_detail", args=[org.acronym])),
                    open_actions=org.open_actions,
                    last_report_at=org.last_report,
                )
                for org in quiet
            ],
        }

    def build(self, user, kind, preference=READ_IT, preview=False):
        """`preference`: the user's DigestPreference or None (no row), if already read.
        `preview`: for someone else's eyes, so with no working unsubscribe or settings link."""
        if preview:
            preference = None  # no token to sign, so nothing to read it for
        elif preference is READ_IT:
            preference = DigestPreference.objects.filter(user=user).first()
        if kind == DigestDelivery.Kind.SECRETARIAT:
            return self.secretariat(user, preference, preview)
        return self.focal_point(user, preference, preview)


def focal_point_digest(user, week, preference=None, now=None):
    return DigestBuilder(week, now).focal_point(user, preference)


def secretariat_digest(user, week, preference=None, now=None):
    return DigestBuilder(week, now).secretariat(user, preference)


def build_digest(user, week, kind, now=None, preview=False):
    return DigestBuilder(week, now).build(user, kind, preview=preview)


def digest_recipients(username=None):
    """(user, kind) for everyone due a digest: focal points and secretariat staff who
    are active, have an e-mail address and have not unsubscribed. Two queries, with each
    user's profile (the language of their digest, agencies.languages)."""
    users = (
        get_user_model()
        .objects.select_related("profile")
        .filter(is_active=True)
        .exclude(email="")
        .exclude(digest_preference__receives_digests=False)
    )
    if username:
        users = users.filter(username=username)
    focal_points = users.filter(focal_points__isnull=False).distinct().order_by("pk")
    secretariat = users.filter(secretariat_condition()).distinct().order_by("pk")
    return [(user, DigestDelivery.Kind.FOCAL_POINT) for user in focal_points] + [
        (user, DigestDelivery.Kind.SECRETARIAT) for user in secretariat
    ]
