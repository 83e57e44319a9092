"""Who wants the weekly digest, and each digest's delivery: claimed, then sent once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class DigestPreference(models.Model):
    """Whether a user wants the weekly digest; no row means yes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_preference",
        verbose_name=_("user"),
    )
    receives_digests = models.BooleanField(_("receives digests"), default=True)
    # Part of every unsubscribe link; bumped when a link is used, so each link works once.
    link_generation = models.PositiveIntegerField(_("link generation"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "actions_digestpreference"  # made by the actions app; kept, so no data moves
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        if self.receives_digests:
            return gettext("%(user)s: digests") % {"user": self.user}
        return gettext("%(user)s: no digests") % {"user": self.user}


class DigestDeliveryQuerySet(models.QuerySet):
    def for_log(self):
        return self.select_related("recipient").order_by("-week", "recipient__username", "kind")


class DigestDelivery(models.Model):
    """One recipient's digest for one ISO week: claimed before sending, so it goes out once.

    pending -> sending (claimed, with a lease) -> sent | failed | empty.
    A failed or long-abandoned claim is picked up again by the next run.
    """

    class Kind(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point digest")
        SECRETARIAT = "secretariat", _("Secretariat overview")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("digest delivery status", "Pending")
        SENDING = "sending", pgettext_lazy("digest delivery status", "Sending")
        SENT = "sent", pgettext_lazy("digest delivery status", "Sent")
        FAILED = "failed", pgettext_lazy("digest delivery status", "Failed")
        EMPTY = "empty", _("Nothing to send")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed before sending")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
        verbose_name=_("recipient"),
    )
    week = models.CharField(_("week"), max_length=8, help_text=_("ISO week, e.g. 2026-W48."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        pgettext_lazy("of a digest delivery", "status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    item_count = models.PositiveIntegerField(_("item count"), null=True, blank=True)
    # What a sent digest said, for the log, written with "sent" (services.digest_deliver):
    # its subject, and per section {"heading", "titles" (those it listed), "more" (left out)},
    # in the language it was sent in (the recipient's, agencies.languages).
    # Defaults in the database too: a worker still on the release before these columns
    # inserts deliveries without them, between `migrate` and its restart.
    subject = models.CharField(_("subject"), max_length=300, blank=True, db_default="")
    contents = models.JSONField(_("contents"), default=list, blank=True, db_default=[])
    language = models.CharField(_("language"), max_length=8, blank=True, db_default="")

    objects = DigestDeliveryQuerySet.as_manager()

    class Meta:
        db_table = "actions_digestdelivery"  # made by the actions app; kept, so no data moves
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            # The exactly-once guarantee rests on this: one row per recipient, week and kind.
            models.UniqueConstraint(
                fields=["recipient", "week", "kind"], name="digest_once_per_recipient_week"
            ),
        ]
        indexes = [
            # The delivery log, newest week first, and "what is left to send this week".
            models.Index(fields=["week", "status"], name="digest_week_status_idx"),
        ]

    def __str__(self):
        return gettext("%(kind)s for %(recipient)s (%(week)s): %(status)s") % {
            "kind": self.get_kind_display(),
            "recipient": self.recipient,
            "week": self.week,
            "status": self.status,
        }
