from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from agencies.models import Organisation


def ends_after_start(start, end, name, *, same_time_allowed):
    """A period may leave either end unknown; when both are known, it does not end first."""
    ends_later = Q(**{f"{end}__gte" if same_time_allowed else f"{end}__gt": F(start)})
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{start}__isnull": True}) | ends_later,
        name=name,
    )


class Forum(models.Model):
    """One annual meeting of the GFMD (GFMD I in Brussels, GFMD II in Manila, ...)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    city = models.CharField(_("city"), max_length=100)
    host_government = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hosted_forums",
        verbose_name=_("host government"),
    )
    # Exact dates may not be known ("October 2008"): then period_label says what is.
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    period_label = models.CharField(
        _("period label"),
        max_length=60,
        blank=True,
        help_text=_("When the exact dates are unknown, e.g. “October 2008”."),
    )
    steering_group = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="steering_group_of",
        verbose_name=_("steering group"),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        constraints = [
            # A one-day forum starts and ends on the same date.
            ends_after_start(
                "start_date", "end_date", "forum_ends_after_start", same_time_allowed=True
            ),
        ]

    def __str__(self):
        return self.short_name

    @property
    def has_dates(self):
        """Both exact dates are known: `when` is then in the page's language, else it is the
        record's own (English) period_label."""
        return bool(self.start_date and self.end_date)

    @property
    def when(self):
        """The forum's dates in the active language: "9–11 July 2007", "9–11 juillet 2007",
        "9–11 de julio de 2007"; or period_label when the exact dates are unknown."""
        if not self.has_dates:
            return self.period_label
        last_date = formats.date_format(self.end_date, "DATE_FORMAT")
        if (self.start_date.year, self.start_date.month) == (
            self.end_date.year,
            self.end_date.month,
        ):
            # Translators: a forum's dates within one month, as in "9–11 July 2007".
            return gettext("%(first_day)s–%(last_date)s") % {
                "first_day": self.start_date.day,
                "last_date": last_date,
            }
        # Translators: a forum's dates across two months, as in
        # "30 October 2008 – 1 November 2008".
        return gettext("%(first_date)s – %(last_date)s") % {
            "first_date": formats.date_format(self.start_date, "DATE_FORMAT"),
            "last_date": last_date,
        }


class RoundTable(models.Model):
    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="round_tables", verbose_name=_("forum")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    theme = models.CharField(_("theme"), max_length=300)

    class Meta:
        ordering = ["forum__number", "number"]
        verbose_name = _("round table")
        verbose_name_plural = _("round tables")
        constraints = [
            models.UniqueConstraint(fields=["forum", "number"], name="roundtable_unique_number"),
        ]

    def __str__(self):
        # Translators: a round table named in short, as in "GFMD I RT 2" (RT: round table).
        return gettext("%(forum)s RT %(number)s") % {
            "forum": self.forum.short_name,
            "number": self.number,
        }


class SessionQuerySet(models.QuerySet):
    def in_forum(self, forum):
        return self.filter(round_table__forum=forum)


class Session(models.Model):
    round_table = models.ForeignKey(
        RoundTable,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("round table"),
    )
    # "1.2": the round table's number, a dot, the session's place in it.
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    coordinators = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="coordinated_sessions",
        verbose_name=_("coordinators"),
        help_text=_("The governments that coordinated the session."),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["round_table__forum__number", "code"]
        verbose_name = pgettext_lazy("part of a round table", "session")
        verbose_name_plural = pgettext_lazy("part of a round table", "sessions")
        constraints = [
            # The code starts with the round table's number (checked in clean()), so being
            # unique within the round table makes it unique within the forum too.
            models.UniqueConstraint(fields=["round_table", "code"], name="session_unique_code"),
            ends_after_start(
                "starts_at", "ends_at", "session_ends_after_start", same_time_allowed=False
            ),
        ]

    def __str__(self):
        return f"{self.round_table.forum.short_name} {self.code}"

    def clean(self):
        if self.round_table_id and self.code:
            prefix = f"{self.round_table.number}."
            if not self.code.startswith(prefix):
                message = gettext(
                    "A session of round table %(number)s has a code starting with “%(prefix)s”."
                ) % {"number": self.round_table.number, "prefix": prefix}
                raise ValidationError({"code": message})


class Involvement(models.Model):
    """An organisation's part in preparing a forum, in one session or across the forum."""

    class Role(models.TextChoices):
        # "Speaker", "Other": said of an organisation's part, not of a person.
        RAPPORTEUR = "rapporteur", pgettext_lazy("involvement role", "Rapporteur")
        ORGANISER = "organiser", pgettext_lazy("involvement role", "Organiser or co-organiser")
        BACKGROUND_PAPER = (
            "background_paper",
            pgettext_lazy("involvement role", "Background paper input"),
        )
        PAPER_COMMENTS = (
            "paper_comments",
            pgettext_lazy("involvement role", "Comments on the background paper"),
        )
        SPEAKER = "speaker", pgettext_lazy("involvement role", "Speaker")
        DISCUSSANT = "discussant", pgettext_lazy("involvement role", "Discussant")
        ADVISORY = "advisory", pgettext_lazy("involvement role", "Advisory")
        MARKETPLACE = "marketplace", pgettext_lazy("involvement role", "GFMD Marketplace")
        OTHER = "other", pgettext_lazy("involvement role", "Other")

    forum = models.ForeignKey(
        Forum, on_delete=models.CASCADE, related_name="involvements", verbose_name=_("forum")
    )
    # Empty for work across the forum (a general background note, a staff secondment).
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="involvements",
        verbose_name=pgettext_lazy("part of a round table", "session"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="involvements",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    # Who asked for it, where the source says ("The Government of Spain has asked the ILO
    # to act as rapporteur"; Belgium's Global Forum Task Force asked for background notes).
    requested_by = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="requested_involvements",
        verbose_name=_("asked by"),
    )

    class Meta:
        ordering = ["forum__number", "session__code", "organisation__acronym", "role"]
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation", "role"],
                condition=Q(session__isnull=False),
                name="involvement_unique_in_session",
            ),
            models.UniqueConstraint(
                fields=["forum", "organisation", "role"],
                condition=Q(session__isnull=True),
                name="involvement_unique_in_forum",
            ),
        ]

    def __str__(self):
        where = self.session.code if self.session_id else gettext("forum-wide")
        return f"{self.organisation} – {self.get_role_display()} ({where})"

    def clean(self):
        if self.session_id and self.forum_id and self.session.round_table.forum_id != self.forum_id:
            raise ValidationError({"session": gettext("This session belongs to another forum.")})


class Meeting(models.Model):
    """A dated event of the GFMD process or around it, as the sources give it: a steering
    group or Friends of the Forum meeting, a forum's Civil Society Day or plenary session, a
    conference or dialogue that follows a forum up.

    The sources date some events to the day ("17 December 2007"), some to the month
    ("January 2008") or the year ("in 2009"): `date_precision` says which, and `start_date`
    holds the first day of that month or year, so the calendar can order them.
    """

    class Kind(models.TextChoices):
        STEERING_GROUP = "steering_group", pgettext_lazy("meeting kind", "Steering Group meeting")
        FRIENDS_OF_THE_FORUM = (
            "friends_of_the_forum",
            pgettext_lazy("meeting kind", "Friends of the Forum meeting"),
        )
        CIVIL_SOCIETY_DAY = "civil_society_day", pgettext_lazy("meeting kind", "Civil Society Day")
        PLENARY = "plenary", pgettext_lazy("meeting kind", "Plenary session of the forum")
        PREPARATORY = "preparatory", pgettext_lazy("meeting kind", "Preparatory event")
        FOLLOW_UP = "follow_up", pgettext_lazy("meeting kind", "Follow-up event")
        COORDINATION = (
            "coordination",
            pgettext_lazy("meeting kind", "United Nations coordination meeting"),
        )
        OTHER = "other", pgettext_lazy("meeting kind", "Other event")

    class Precision(models.TextChoices):
        DAY = "day", pgettext_lazy("how exactly a date is known", "Day")
        MONTH = "month", pgettext_lazy("how exactly a date is known", "Month")
        YEAR = "year", pgettext_lazy("how exactly a date is known", "Year")

    # Stable natural key, so load_gfmd can run again without duplicating anything.
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(
        pgettext_lazy("of a meeting", "kind"), max_length=30, choices=Kind.choices
    )
    # Empty: an event the sources do not tie to one forum (a UN coordination meeting).
    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("forum"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date known to the"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    # Empty when the source does not say where.
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            ends_after_start(
                "start_date", "end_date", "meeting_ends_after_start", same_time_allowed=True
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=["day", "month", "year"]),
                name="meeting_date_precision_valid",
            ),
            # A month or a year is held as its first day, and has no end date of its own.
            models.CheckConstraint(
                condition=Q(date_precision="day")
                | (Q(start_date__day=1, end_date__isnull=True) & ~Q(date_precision="year"))
                | Q(
                    date_precision="year",
                    start_date__day=1,
                    start_date__month=1,
                    end_date__isnull=True,
                ),
                name="meeting_partial_date_is_its_first_day",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def when(self):
        """The date as exactly as the sources know it, in the page's language."""
        if self.date_precision == self.Precision.YEAR:
            return str(self.start_date.year)
        if self.date_precision == self.Precision.MONTH:
            return formats.date_format(self.start_date, "YEAR_MONTH_FORMAT")
        start = formats.date_format(self.start_date, "DATE_FORMAT")
        if self.end_date and self.end_date != self.start_date:
            return gettext("%(start)s to %(end)s") % {
                "start": start,
                "end": formats.date_format(self.end_date, "DATE_FORMAT"),
            }
        return start


class MeetingSitting(models.Model):
    """A stretch of a meeting with its hours, where the source gives them (the 1st Friends of
    the Forum meeting sat 10:00-13:00 and 15:00-18:00)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sittings", verbose_name=_("meeting")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        constraints = [
            ends_after_start(
                "starts_at", "ends_at", "sitting_ends_after_start", same_time_allowed=False
            ),
            models.UniqueConstraint(fields=["meeting", "starts_at"], name="sitting_unique_start"),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.starts_at:%Y-%m-%d %H:%M}"
