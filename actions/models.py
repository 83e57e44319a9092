import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
)

from agencies.models import Organisation
from roundtables.models import Forum, Meeting, RoundTable, Session

from .wording import progress_in_words


class AuditTrail(HistoricalRecords):
    """django-simple-history's audit trail, snapshotting the partners by id.

    The library reads each partner link joined with the whole action and organisation rows,
    and re-reads the action's untracked fields, only to copy three ids: that was a third of
    every status report's time (bench/round_trip.py's import apply). This writes the same
    rows, and sends the same signals, from one narrow query.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        for field in history_instance._history_m2m_fields:
            through = field.remote_field.through
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
            links = through.objects.filter(**{own: instance}).values_list("id", f"{other}_id")
            history_model = self.m2m_models[field]
            rows = [
                history_model(
                    history=history_instance,
                    id=link_id,
                    **{f"{own}_id": instance.pk, f"{other}_id": other_id},
                )
                for link_id, other_id in links
            ]
            pre_create_historical_m2m_records.send(
                sender=history_model,
                rows=rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created = history_model.objects.bulk_create(rows)
            post_create_historical_m2m_records.send(
                sender=history_model,
                created_rows=created,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )


def _open():
    return ~Q(status__in=FollowUpAction.CLOSED_STATUSES)


def overdue_condition(today):
    """Due date passed and not yet completed or cancelled: computed, never stored."""
    return Q(due_date__lt=today) & _open()


def due_within_condition(days, today):
    return Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days)) & _open()


def stale_condition(days, now):
    """Open, and nobody has reported on it for `days` days, or ever in the portal (an
    action loaded from the GFMD record is as old as its source, not as its loading)."""
    not_since = Q(last_reported_at__lt=now - datetime.timedelta(days))
    return (not_since | Q(last_reported_at__isnull=True)) & _open()


class FollowUpActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(_open())

    def overdue(self, today=None):
        return self.filter(overdue_condition(today or timezone.localdate()))

    def not_overdue(self, today=None):
        return self.exclude(overdue_condition(today or timezone.localdate()))

    def due_within(self, days, today=None):
        return self.filter(due_within_condition(days, today or timezone.localdate()))

    def stale(self, days, now=None):
        return self.filter(stale_condition(days, now or timezone.now()))

    def needing_attention(self, *, due_days, stale_days, now=None):
        """Overdue, due within `due_days`, or without report for `stale_days`: each once."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        return self.filter(
            overdue_condition(today)
            | due_within_condition(due_days, today)
            | stale_condition(stale_days, now)
        )

    def for_organisations(self, organisation_ids):
        """Actions these organisations lead or partner in.

        Pass ids, not a queryset: with the ids in the SQL, PostgreSQL knows from its
        statistics whether an organisation is in 100 actions or in 30,000, and picks its plan
        for each (see ActionParticipant).
        """
        return self.filter(pk__in=participations_of(organisation_ids).values("action_id"))

    def count_for_organisations(self, organisation_ids):
        """How many actions these organisations lead or partner in, from one index alone."""
        return participations_of(organisation_ids).values("action_id").distinct().count()

    def for_list(self):
        """What a row of the action table shows, in a fixed number of queries."""
        return self.for_list_without_partners().prefetch_related(*_partner_list())

    def for_list_without_partners(self):
        """for_list(), less the partners: for several short lists that read the partners of
        all their rows at once with prefetch_partners()."""
        return self.select_related("lead", "forum", "round_table", "session")

    def for_detail(self):
        return self.select_related(
            "lead",
            "forum__host_government",
            "round_table",
            "session__round_table",
            "venue",
            "source_meeting",
        ).prefetch_related(
            "co_leads", "partners", "developed_by", "participants", "citations__source"
        )


def _partner_list():
    # Partners and co-leads in one query, from ActionParticipant (a list page stays within
    # its queries), as plain lists: action.partners.all() built a manager and a queryset
    # for each row, a tenth of the rows' rendering. FollowUpAction.partner_list and
    # co_lead_list read them.
    rows = (
        ActionParticipant.objects.filter(
            role__in=[ActionParticipant.Role.CO_LEAD, ActionParticipant.Role.PARTNER]
        )
        .select_related("organisation")
        .order_by("organisation__acronym")
    )
    return (models.Prefetch("participants", queryset=rows, to_attr="listed_participants"),)


def prefetch_partners(*action_lists):
    """The partners and co-leads of the actions of every list, in one query each, as
    for_list() reads them."""
    models.prefetch_related_objects(
        [action for actions in action_lists for action in actions], *_partner_list()
    )


def participations_of(organisation_ids):
    return ActionParticipant.objects.filter(organisation_id__in=list(organisation_ids))


class ActionsOfOrganisations:
    """The actions some organisations lead or partner in, read the cheap way for their number.

    Up to FEW actions: their ids are read in one query, the list is filtered by those ids
    and counted from them. More: a subquery on ActionParticipant, counted by a second
    query, and PostgreSQL walks the list's sort index, stopping after a page.

    Why not always the subquery: for a mid-sized organisation (about 500 of 100,000
    actions) the planner also chose the walk, and probed 11,000 index entries to find 25
    rows; from the ids it reads 25 rows (figures in bench/RESULTS.md).
    """

    FEW = 2000

    def __init__(self, organisation_ids):
        self.organisation_ids = list(organisation_ids)
        first = participations_of(self.organisation_ids).values_list("action_id", flat=True)
        first = list(first.distinct()[: self.FEW + 1])
        self.action_ids = first if len(first) <= self.FEW else None

    def filter(self, queryset):
        if self.action_ids is not None:
            return queryset.filter(pk__in=self.action_ids)
        return queryset.for_organisations(self.organisation_ids)

    def count(self):
        if self.action_ids is not None:
            return len(self.action_ids)
        return FollowUpAction.objects.count_for_organisations(self.organisation_ids)


def led_by(organisation_ids):
    """Ids of actions the organisations lead or co-lead, as a subquery."""
    return (
        participations_of(organisation_ids)
        .filter(role__in=ActionParticipant.LEADING_ROLES)
        .values("action_id")
    )


def partnered_by(organisation_ids):
    """Ids of actions the organisations partner in, as a subquery."""
    return FollowUpAction.partners.through.objects.filter(organisation__in=organisation_ids).values(
        "followupaction_id"
    )


# What the fields of an action (and the note of a report on it) are called, in lower case as
# a verbose_name is: the fields' verbose_name (so the admin and the audit trail say it too),
# the forms' labels, the services' and the bulk update's words.
ACTION_FIELD_NAMES = {
    "title": _("title"),
    "description": _("description"),
    "forum": _("forum"),
    "round_table": _("round table"),
    "session": _("session"),
    "lead": pgettext_lazy("organisation's role in an action", "lead"),
    "co_leads": pgettext_lazy("organisation's role in an action", "co-leads"),
    "partners": pgettext_lazy("organisation's role in an action", "partners"),
    "developed_by": pgettext_lazy("organisation's role in an action", "developed by"),
    "status": pgettext_lazy("of an action", "status"),
    "progress": pgettext_lazy("of an action", "progress"),
    "status_assumed": pgettext_lazy("of an action", "status assumed"),
    "due_date": _("due date"),
    "started_on": _("started on"),
    "completed_on": _("completed on"),
    "source_reference": _("source reference"),
    "source_meeting": pgettext_lazy("of an action", "meeting it comes from"),
    "venue": pgettext_lazy("of an action", "held at"),
    "note": pgettext_lazy("written with a status report", "note"),
}


# An action's sets of organisations besides its lead, as its many-to-many fields name them.
ORGANISATION_SETS = ("co_leads", "partners", "developed_by")


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        # "Planned", "Completed": adjectives of an action (French "planifiée", "terminée").
        PROPOSED = "proposed", pgettext_lazy("action status", "Proposed")
        PLANNED = "planned", pgettext_lazy("action status", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
        COMPLETED = "completed", pgettext_lazy("action status", "Completed")
        ON_HOLD = "on_hold", pgettext_lazy("action status", "On hold")
        CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")

    CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)

    # Stable natural key, so load_gfmd can run again without duplicating anything.
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(ACTION_FIELD_NAMES["title"], max_length=300)
    description = models.TextField(ACTION_FIELD_NAMES["description"], blank=True)

    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=ACTION_FIELD_NAMES["forum"],
    )
    round_table = models.ForeignKey(
        RoundTable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=ACTION_FIELD_NAMES["round_table"],
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=ACTION_FIELD_NAMES["session"],
    )

    # Empty when the record does not say who leads.
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name=ACTION_FIELD_NAMES["lead"],
    )
    # Leading beside the lead, as equals: "under the leadership of the Governments of
    # Morocco and Spain" is a lead (the first named) and a co-lead.
    co_leads = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="co_led_actions",
        verbose_name=ACTION_FIELD_NAMES["co_leads"],
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partnered_actions",
        verbose_name=ACTION_FIELD_NAMES["partners"],
    )
    # Who carried out the work, where a source says so and it is not the lead: "IOM
    # recently developed a Compendium ..." under Morocco's and Spain's leadership.
    developed_by = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="developed_actions",
        verbose_name=ACTION_FIELD_NAMES["developed_by"],
    )

    # Changed only through actions.services.action_change_status().
    status = models.CharField(
        ACTION_FIELD_NAMES["status"], max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    # Empty: nobody has stated a progress (the sources give no figure for most actions).
    progress = models.PositiveSmallIntegerField(
        ACTION_FIELD_NAMES["progress"],
        null=True,
        blank=True,
        default=None,
        help_text=_("Per cent, 0 to 100; empty when not reported."),
    )
    # The status is only the default: the source names the action without saying where it
    # stands, and nobody has reported since. Cleared by the first report.
    status_assumed = models.BooleanField(
        ACTION_FIELD_NAMES["status_assumed"],
        default=False,
        help_text=_("The status is not stated in the source; no one has reported since."),
    )
    due_date = models.DateField(ACTION_FIELD_NAMES["due_date"], null=True, blank=True)
    started_on = models.DateField(ACTION_FIELD_NAMES["started_on"], null=True, blank=True)
    completed_on = models.DateField(ACTION_FIELD_NAMES["completed_on"], null=True, blank=True)

    source_reference = models.CharField(
        ACTION_FIELD_NAMES["source_reference"],
        max_length=1000,
        blank=True,
        help_text=_("The source documents (author, title) and passages this action comes from."),
    )

    # The meeting where the action was agreed or proposed, and the one it is held at (the
    # 2009 International Dialogue on Migration), where the sources name them.
    source_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_from_here",
        verbose_name=ACTION_FIELD_NAMES["source_meeting"],
    )
    venue = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_held_here",
        verbose_name=ACTION_FIELD_NAMES["venue"],
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Last time the status or progress changed, and last time anyone reported at all
    # (a "no change" confirmation counts as a report, not as a change). Empty: nobody has
    # reported in the portal yet, and the state is as the GFMD record gives it.
    status_changed_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    last_reported_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    # The "New action" form's own token: a form sent twice makes one action.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Bumped on every write through a service, so a stale form cannot overwrite news.
    version = models.PositiveIntegerField(default=1)

    objects = FollowUpActionQuerySet.as_manager()
    # The audit trail: every saved version of the action, partners included, with who saved
    # it (django-simple-history). Status reports are also in StatusChange, with their notes.
    audit_trail = AuditTrail(
        m2m_fields=[co_leads, partners, developed_by],
        excluded_fields=["updated_at", "creation_token"],
        related_name="audit_entries",
    )

    class Meta:
        ordering = ["forum__number", "title"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="action_progress_0_100",
            ),
            models.CheckConstraint(
                # FollowUpAction.Status.values; the nested class is not in scope here.
                condition=Q(
                    status__in=[
                        "proposed",
                        "planned",
                        "in_progress",
                        "completed",
                        "on_hold",
                        "cancelled",
                    ]
                ),
                name="action_status_known",
            ),
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(round_table__isnull=False),
                name="action_session_needs_round_table",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                name="action_completed_after_started",
            ),
        ]
        indexes = [
            # The list's default order (soonest due, undated last) and its deep pages.
            models.Index(fields=["due_date", "id"], name="action_due_idx"),
            # The list filtered by status in that order; the overdue and due-soon panels.
            models.Index(fields=["status", "due_date", "id"], name="action_status_due_idx"),
            # The "no update for N days" filter, the stale panel and the "last update" sort.
            models.Index(fields=["last_reported_at", "id"], name="action_last_reported_idx"),
            # "Actions these organisations lead": ids straight from the index (lead filter,
            # /my/, digests). Its partner half is served by migration 0006's index.
            models.Index(fields=["lead", "id"], name="action_lead_id_idx"),
            # Text search on PostgreSQL uses trigram indexes made in migration 0005
            # (expression indexes that SQLite cannot build).
        ]

    def __str__(self):
        return self.title

    @property
    def partner_list(self):
        """The partners, as read by for_list() or prefetch_partners()."""
        return self._listed(ActionParticipant.Role.PARTNER)

    @property
    def co_lead_list(self):
        """The co-leads, as read by for_list() or prefetch_partners()."""
        return self._listed(ActionParticipant.Role.CO_LEAD)

    def _listed(self, role):
        return [row.organisation for row in self.listed_participants if row.role == role]

    def natural_key(self):
        return (self.slug,)

    @property
    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    @property
    def reported_in_portal(self):
        """False while the state is as the GFMD record gives it: nobody reported yet."""
        return self.last_reported_at is not None

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return bool(self.due_date) and not self.is_closed and self.due_date < today

    def clean(self):
        """Where an action came from must hang together: session in round table in forum."""
        errors = {}
        if self.session_id and self.round_table_id:
            if self.session.round_table_id != self.round_table_id:
                errors["session"] = gettext(
                    "Session %(session)s belongs to round table %(its_round_table)s, not to "
                    "round table %(round_table)s."
                ) % {
                    "session": self.session.code,
                    "its_round_table": self.session.round_table.number,
                    "round_table": self.round_table.number,
                }
        elif self.session_id and not self.round_table_id:
            errors["round_table"] = gettext("Choose the round table the session belongs to.")
        if self.round_table_id and self.forum_id and self.round_table.forum_id != self.forum_id:
            errors["round_table"] = gettext(
                "Round table %(round_table)s of %(its_forum)s is not part of %(forum)s."
            ) % {
                "round_table": self.round_table.number,
                "its_forum": self.round_table.forum,
                "forum": self.forum,
            }
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            errors["completed_on"] = gettext("An action cannot be completed before it started.")
        if errors:
            raise ValidationError(errors)


def describe_status_change(old_status, new_status, old_progress, progress):
    """A history entry in words, with status labels, never codes: how every page and
    e-mail says what a report did."""
    label = FollowUpAction.Status
    words = {
        "old_status": str(label(old_status).label) if old_status else "",
        "status": str(label(new_status).label),
        # "40%", "not reported" (actions.wording).
        "old_progress": progress_in_words(old_progress),
        "progress": progress_in_words(progress),
    }
    # The status in lower case inside a sentence: "Recorded as planned, 0%".
    words["status_in_sentence"] = words["status"].lower()
    if not old_status:
        return gettext("Recorded as %(status_in_sentence)s, progress %(progress)s") % words
    if old_status == new_status and old_progress == progress:
        return gettext("Confirmed: still %(status_in_sentence)s, progress %(progress)s") % words
    if old_status == new_status:
        return gettext("%(status)s: progress %(old_progress)s → %(progress)s") % words
    return gettext("%(old_status)s → %(status)s, progress %(progress)s") % words


def _from_the_record():
    # The entry load_gfmd writes when it creates an action: by nobody, and the first.
    return Q(old_status="", changed_by__isnull=True)


class StatusChangeQuerySet(models.QuerySet):
    def from_the_record(self):
        """The entries load_gfmd writes when it creates an action."""
        return self.filter(_from_the_record())

    def news(self):
        """Entries that are news: made by someone in the portal, not the GFMD record's own
        entries (loading the record is not this week's activity)."""
        return self.exclude(_from_the_record())


class StatusChange(models.Model):
    """One entry in an action's history: append-only, written by the status service."""

    action = models.ForeignKey(FollowUpAction, on_delete=models.CASCADE, related_name="history")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # Empty on the entry that records the action's creation.
    old_status = models.CharField(max_length=20, choices=FollowUpAction.Status.choices, blank=True)
    new_status = models.CharField(max_length=20, choices=FollowUpAction.Status.choices)
    # old_status "" and old_progress None: the entry an action starts with. progress None:
    # not reported, then as now.
    old_progress = models.PositiveSmallIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        get_latest_by = "changed_at"
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        indexes = [
            # An action's timeline, newest first; and the "latest changes" panel.
            models.Index(fields=["action", "-changed_at"], name="statuschange_action_idx"),
            models.Index(fields=["-changed_at"], name="statuschange_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="statuschange_progress_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.action_id}: {self.old_status or '–'} → {self.new_status}"

    @property
    def summary(self):
        return describe_status_change(
            self.old_status, self.new_status, self.old_progress, self.progress
        )

    @property
    def is_from_the_record(self):
        """The entry load_gfmd wrote when it created the action (its note is in English):
        _from_the_record() of one entry."""
        return self.old_status == "" and self.changed_by_id is None

    @property
    def is_confirmation(self):
        """A report that changed nothing: same status, same progress, with a note."""
        return self.old_status == self.new_status and self.old_progress == self.progress


class ActionParticipant(models.Model):
    """An organisation taking part in an action, as lead, co-lead, partner or the one that
    developed it: "the actions of an organisation" as one table.

    Derived data, written only by the database: triggers (actions/triggers.py) add and
    remove a row whenever an action's lead, co-leads, partners or developers change, whoever
    changes them (the services, the admin, bulk inserts, SQL). Never write these rows from
    Python.

    Why it exists: "actions an organisation leads or partners in" spans two tables, so the
    planner could not tell a small organisation (100 actions) from a busy one (30,000) and
    joined and sorted all of a busy one's actions to show 25. Here it reads the
    organisation's count from this table's statistics and, for a busy one, walks the list's
    sort index and stops after the page (bench/RESULTS.md has the figures).
    """

    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("organisation's role in an action", "Lead")
        CO_LEAD = "co_lead", pgettext_lazy("organisation's role in an action", "Co-lead")
        PARTNER = "partner", pgettext_lazy("organisation's role in an action", "Partner")
        DEVELOPER = "developer", pgettext_lazy("organisation's role in an action", "Developed by")

    # The roles of organisations that lead an action (the lead and its co-leads).
    LEADING_ROLES = (Role.LEAD, Role.CO_LEAD)

    action = models.ForeignKey(
        FollowUpAction, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    # One row per role, so each trigger keeps its own rows and none has to look at the
    # other table (which two concurrent edits could each see before the other's commit).
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            # Also the index of "the actions of these organisations" (lists, /my/, counts).
            models.UniqueConstraint(
                fields=["organisation", "action", "role"], name="participant_unique_org_action"
            ),
        ]
        indexes = [
            # "Is this organisation in this action?", asked row by row while walking the
            # list's sort index for a busy organisation.
            models.Index(fields=["action", "organisation"], name="participant_action_org_idx"),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.role} in {self.action_id}"


class ActionTallyQuerySet(models.QuerySet):
    def groups(self):
        """One dict per (forum, round table, status): how many actions, how many of them have
        a progress reported, and the sum of those progresses."""
        return self.filter(actions__gt=0).values(
            "forum_id", "round_table_id", "status", "actions", "reported", "progress_sum"
        )

    def action_count(self, statuses=None):
        """How many actions there are, of these statuses if given."""
        rows = self.filter(status__in=statuses) if statuses else self
        return rows.aggregate(n=models.Sum("actions"))["n"] or 0

    def status_counts(self):
        """{status: how many actions}, over every forum."""
        counts = self.values_list("status").annotate(n=models.Sum("actions")).order_by()
        return {status: n for status, n in counts if n}


class ActionTally(models.Model):
    """How many actions there are, and their summed progress, per forum, round table and
    status: what the dashboard and the secretariat's digest count.

    Derived data, written only by the database: triggers (migration 0008) add and take
    away an action whenever one is inserted, deleted or changes group or progress, whoever
    writes it (the services, the admin, bulk inserts, queryset updates). Never write these
    rows from Python.

    Why it exists: counting from the actions read all 100,000 of them on each dashboard
    (a hash aggregate over every action); here it reads a few hundred rows. The price: a status
    report also updates its group's row, which stays locked until that report commits.
    """

    forum_id = models.BigIntegerField()
    # 0 for actions of no round table: a NULL would not match itself in the unique key
    # the triggers add to.
    round_table_id = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=FollowUpAction.Status.choices)
    actions = models.IntegerField()
    # Of those, the actions with a progress reported, and the sum of their progress: an
    # action with none reported does not pull an average down.
    reported = models.IntegerField(default=0)
    progress_sum = models.BigIntegerField()

    objects = ActionTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            # What the triggers add to (INSERT ... ON CONFLICT).
            models.UniqueConstraint(
                fields=["forum_id", "round_table_id", "status"], name="tally_unique_group"
            ),
        ]

    def __str__(self):
        return f"{self.forum_id}/{self.round_table_id}/{self.status}: {self.actions}"
