"""Who wants the weekly digest, and each digest's delivery: claimed, then sent once."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DigestPreference(models.Model):
    """Whether a user wants the weekly digest; no row means yes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    receives_digests = models.BooleanField(default=True)
    # Part of every unsubscribe link; bumped when a link is used, so each link works once.
    link_generation = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "actions_digestpreference"  # made by the actions app; kept, so no data moves

    def __str__(self):
        return f"{self.user}: {'digests' if self.receives_digests else 'no digests'}"


class DigestDeliveryQuerySet(models.QuerySet):
    def for_log(self):
        return self.select_related("recipient").order_by("-week", "recipient__username", "kind")


class DigestDelivery(models.Model):
    """One recipient's digest for one ISO week: claimed before sending, so it goes out once.

    pending -> sending (claimed, with a lease) -> sent | failed | empty.
    A failed or long-abandoned claim is picked up again by the next run.
    """

    class Kind(models.TextChoices):
        FOCAL_POINT = "focal_point", "Focal point digest"
        SECRETARIAT = "secretariat", "Secretariat overview"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        EMPTY = "empty", "Nothing to send"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed before sending"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W48.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    item_count = models.PositiveIntegerField(null=True, blank=True)
    # What a sent digest said, for the log, written with "sent" (services.digest_deliver):
    # its subject, and per section {"heading", "titles" (those it listed), "more" (left out)}.
    # Defaults in the database too: a worker still on the release before these columns
    # inserts deliveries without them, between `migrate` and its restart.
    subject = models.CharField(max_length=300, blank=True, db_default="")
    contents = models.JSONField(default=list, blank=True, db_default=[])

    objects = DigestDeliveryQuerySet.as_manager()

    class Meta:
        db_table = "actions_digestdelivery"  # made by the actions app; kept, so no data moves
        verbose_name_plural = "digest deliveries"
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
        return f"{self.get_kind_display()} for {self.recipient} ({self.week}): {self.status}"
