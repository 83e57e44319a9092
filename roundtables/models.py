from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

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

    number = models.PositiveSmallIntegerField(unique=True)
    short_name = models.CharField(max_length=40, unique=True)
    city = models.CharField(max_length=100)
    host_government = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="hosted_forums"
    )
    # Exact dates may not be known ("October 2008"): then period_label says what is.
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    period_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="When the exact dates are unknown, e.g. “October 2008”.",
    )
    steering_group = models.ManyToManyField(
        Organisation, blank=True, related_name="steering_group_of"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            # A one-day forum starts and ends on the same date.
            ends_after_start(
                "start_date", "end_date", "forum_ends_after_start", same_time_allowed=True
            ),
        ]

    def __str__(self):
        return self.short_name

    @property
    def when(self):
        if self.start_date and self.end_date:
            if (self.start_date.year, self.start_date.month) == (
                self.end_date.year,
                self.end_date.month,
            ):
                return f"{self.start_date.day}–{self.end_date:%-d %B %Y}"
            return f"{self.start_date:%-d %B %Y} – {self.end_date:%-d %B %Y}"
        return self.period_label


class RoundTable(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="round_tables")
    number = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=300)

    class Meta:
        ordering = ["forum__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "number"], name="roundtable_unique_number"),
        ]

    def __str__(self):
        return f"{self.forum.short_name} RT {self.number}"


class SessionQuerySet(models.QuerySet):
    def in_forum(self, forum):
        return self.filter(round_table__forum=forum)


class Session(models.Model):
    round_table = models.ForeignKey(RoundTable, on_delete=models.CASCADE, related_name="sessions")
    # "1.2": the round table's number, a dot, the session's place in it.
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    coordinators = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="coordinated_sessions",
        help_text="The governments that coordinated the session.",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["round_table__forum__number", "code"]
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
                raise ValidationError(
                    {
                        "code": f"A session of round table {self.round_table.number} "
                        f"has a code starting with “{prefix}”."
                    }
                )


class Involvement(models.Model):
    """An organisation's part in preparing a forum, in one session or across the forum."""

    class Role(models.TextChoices):
        RAPPORTEUR = "rapporteur", "Rapporteur"
        ORGANISER = "organiser", "Organiser or co-organiser"
        BACKGROUND_PAPER = "background_paper", "Background paper input"
        PAPER_COMMENTS = "paper_comments", "Comments on the background paper"
        SPEAKER = "speaker", "Speaker"
        DISCUSSANT = "discussant", "Discussant"
        ADVISORY = "advisory", "Advisory"
        OTHER = "other", "Other"

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="involvements")
    # Empty for work across the forum (a general background note, a staff secondment).
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="involvements"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="involvements"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["forum__number", "session__code", "organisation__acronym", "role"]
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
        where = self.session.code if self.session_id else "forum-wide"
        return f"{self.organisation} – {self.get_role_display()} ({where})"

    def clean(self):
        if self.session_id and self.forum_id and self.session.round_table.forum_id != self.forum_id:
            raise ValidationError({"session": "This session belongs to another forum."})
