"""Where the record's facts come from: the source documents, and the passages each fact
rests on.

A Source is one document (the GMG's information note of 12 July 2007, IOM's contribution to
the Seventh Coordination Meeting, ...), named as people cite it: title, author and date, each
left empty where the document does not state it. A Citation is a passage of a source, quoted
word for word, behind one action or one meeting.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from actions.models import FollowUpAction
from roundtables.models import Forum, Involvement, Meeting, RoundTable


class Source(models.Model):
    # The seed file the document came as: load_gfmd's natural key, never shown as a name.
    key = models.CharField(_("key"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    # Empty: the document does not say who wrote it.
    author = models.CharField(pgettext_lazy("of a document", "author"), max_length=200, blank=True)
    # Empty: the document is not dated; date_note may say what it lets one tell.
    date = models.DateField(pgettext_lazy("of a document", "date"), null=True, blank=True)
    date_note = models.CharField(
        _("about its date"),
        max_length=300,
        blank=True,
        help_text=_("What the document says of when it was written, when it gives no date."),
    )
    # What kind of document it is ("information note", "slide presentation").
    kind = models.CharField(pgettext_lazy("of a document", "kind"), max_length=200, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title

    def cited_as(self):
        """The document as the record cites it, in its own language (English): author,
        title, kind and date, saying so where the author is not stated."""
        parts = [self.author] if self.author else []
        parts.append(f"“{self.title}”")
        if self.kind:
            parts.append(self.kind)
        if self.date:
            parts.append(f"{self.date.day} {self.date:%B %Y}")
        cited = ", ".join(parts)
        return cited if self.author else f"{cited} (author not stated)"


class Citation(models.Model):
    """A source behind an action, a meeting or an involvement (one of them), with the passage,
    word for word, where the record quotes one."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    # Empty: the document as a whole (an involvement read off the Annex 2 table).
    passage = models.TextField(_("passage"), blank=True)
    action = models.ForeignKey(
        FollowUpAction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("follow-up action"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("meeting"),
    )
    involvement = models.ForeignKey(
        Involvement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("involvement"),
    )
    # The order the record gives its passages in.
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(action__isnull=False, meeting__isnull=True, involvement__isnull=True)
                    | Q(action__isnull=True, meeting__isnull=False, involvement__isnull=True)
                    | Q(action__isnull=True, meeting__isnull=True, involvement__isnull=False)
                ),
                name="citation_cites_for_one_thing",
            ),
            models.UniqueConstraint(
                fields=["action", "position"],
                condition=Q(action__isnull=False),
                name="citation_unique_position_action",
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                condition=Q(meeting__isnull=False),
                name="citation_unique_position_meeting",
            ),
            models.UniqueConstraint(
                fields=["involvement", "position"],
                condition=Q(involvement__isnull=False),
                name="citation_unique_position_involvement",
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.passage[:60]}"


class Statement(models.Model):
    """Something a source says of the GFMD, a forum or one of its round tables, in the
    source's own words: how the GFMD began, a forum's format, a round table's theme statement
    and sub-themes, the feedback on draft themes from the preparatory meetings.

    `text` is the source's, word for word (tests/test_statements.py finds each in its seed);
    `is_draft` marks what the source itself calls a draft.
    """

    class Kind(models.TextChoices):
        ORIGIN = "origin", pgettext_lazy("kind of statement", "How the GFMD began")
        FORMAT = "format", pgettext_lazy("kind of statement", "Format of the forum")
        THEME = "theme", pgettext_lazy("kind of statement", "Theme statement")
        SUB_THEME = "sub_theme", pgettext_lazy("kind of statement", "Sub-theme")
        FEEDBACK = "feedback", pgettext_lazy("kind of statement", "Feedback on the draft themes")
        STANDING = "standing", pgettext_lazy("kind of statement", "Standing of the themes")

    kind = models.CharField(
        pgettext_lazy("of a statement", "kind"), max_length=20, choices=Kind.choices
    )
    # Both empty: the GFMD as a whole (how it began). A round table's statements name its
    # forum too, so a forum's statements are one filter away.
    forum = models.ForeignKey(
        Forum,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("forum"),
    )
    round_table = models.ForeignKey(
        RoundTable,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("round table"),
    )
    text = models.TextField(_("text"))
    is_draft = models.BooleanField(
        _("draft"), default=False, help_text=_("The source calls it a draft.")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="statements", verbose_name=_("source")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("statement of the record")
        verbose_name_plural = _("statements of the record")
        constraints = [
            # A round table's statement names its forum as well.
            models.CheckConstraint(
                condition=Q(round_table__isnull=True) | Q(forum__isnull=False),
                name="statement_round_table_has_forum",
            ),
            # Only the GFMD's beginnings are told of no forum.
            models.CheckConstraint(
                condition=Q(forum__isnull=False) | Q(kind="origin"),
                name="statement_forum_unless_origin",
            ),
            models.UniqueConstraint(
                fields=["source", "text", "forum", "round_table"], name="statement_unique"
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.round_table_id and self.forum_id and self.round_table.forum_id != self.forum_id:
            raise ValidationError({"round_table": _("This round table belongs to another forum.")})
