"""Every write to a follow-up action goes through here.

The status rules live in `action_change_status` and nowhere else: views, the
admin, commands and tasks all call it, so every change leaves a history entry.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from gfmd_portal.emails import build_message

from . import digests
from .models import DigestDelivery, DigestPreference, FollowUpAction, StatusChange

Status = FollowUpAction.Status

# Fields the secretariat edits on the action form; status and progress are not among them.
EDITABLE_FIELDS = (
    "title",
    "description",
    "forum",
    "round_table",
    "session",
    "lead",
    "due_date",
    "started_on",
    "completed_on",
    "source_reference",
)

# What a status report writes.
STATUS_REPORT_FIELDS = [
    "status",
    "progress",
    "started_on",
    "completed_on",
    "status_changed_at",
    "last_reported_at",
    "version",
    "updated_at",
]


class ActionChangedSinceRead(Exception):
    """Someone saved the action after the form was read: nothing was written."""

    def __init__(self, action, last_change):
        self.action = action
        self.last_change = last_change
        who = "someone"
        if last_change is not None and last_change.changed_by is not None:
            who = last_change.changed_by.get_full_name() or last_change.changed_by.username
        self.changed_by_name = who
        super().__init__(f"{action} was changed by {who} since you opened it.")


def _lock_current(action, expected_version):
    """Re-read the action under a row lock and refuse if it moved on since `expected_version`."""
    locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None and locked.version != expected_version:
        last_change = locked.history.select_related("changed_by").first()
        raise ActionChangedSinceRead(locked, last_change)
    return locked


def _clean_progress(progress):
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ValidationError({"progress": "Progress is a whole number from 0 to 100."}) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "Progress is a whole number from 0 to 100."})
    return progress


def action_change_status(
    *,
    action,
    changed_by,
    status,
    progress=None,
    note="",
    expected_version=None,
):
    """Record a status report on an action: the one way its status ever changes.

    Reporting the same status and progress is a confirmation and needs a note.
    Returns the history entry it wrote; raises ValidationError for a bad report
    and ActionChangedSinceRead when `expected_version` is no longer current.
    """
    if status not in Status.values:
        raise ValidationError({"status": f"“{status}” is not a status an action can have."})
    note = (note or "").strip()

    with transaction.atomic():
        current = _lock_current(action, expected_version)
        new_progress = current.progress if progress in (None, "") else _clean_progress(progress)
        if status == Status.COMPLETED:
            # Completed means done: the bar says so even if the form forgot to.
            new_progress = 100

        is_change = status != current.status or new_progress != current.progress
        if not is_change and not note:
            raise ValidationError(
                {"note": "Nothing changed. To confirm the action is still on track, add a note."}
            )

        now = timezone.now()
        today = timezone.localdate(now)
        old_status, old_progress = current.status, current.progress
        current.status = status
        current.progress = new_progress
        if status == Status.IN_PROGRESS and current.started_on is None:
            current.started_on = today
        if status == Status.COMPLETED and current.completed_on is None:
            current.completed_on = max(today, current.started_on or today)
        if status != Status.COMPLETED:
            current.completed_on = None
        if is_change:
            current.status_changed_at = now
        current._history_user = changed_by  # for the audit trail
        current.last_reported_at = now
        current.version += 1
        current.save(update_fields=STATUS_REPORT_FIELDS)
        change = StatusChange.objects.create(
            action=current,
            changed_by=changed_by,
            changed_at=now,
            old_status=old_status,
            new_status=status,
            old_progress=old_progress,
            progress=new_progress,
            note=note,
        )

    # Let the caller's object show what was saved.
    for field in STATUS_REPORT_FIELDS:
        setattr(action, field, getattr(current, field))
    return change


def unique_slug_for(title):
    """A readable natural key for an action made in the portal."""
    base = slugify(title)[:80] or "action"
    slug, n = base, 1
    while FollowUpAction.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def action_create(*, created_by, partners=(), note="", **fields):
    """Create an action with its first history entry (the status it starts in)."""
    action = FollowUpAction(**fields)
    action._history_user = created_by  # for the audit trail
    # One moment for all three, so a new action does not look "confirmed since created".
    action.status_changed_at = action.last_reported_at = action.created_at
    if not action.slug:
        action.slug = unique_slug_for(action.title)
    action.full_clean()
    with transaction.atomic():
        action.save()
        action.partners.set(partners)
        action_record_created(action=action, created_by=created_by, note=note)
    return action


def action_record_created(*, action, created_by, note=""):
    """The history entry every action starts with; for creators that save the row themselves."""
    return StatusChange.objects.create(
        action=action,
        changed_by=created_by,
        changed_at=action.created_at,
        old_status="",
        new_status=action.status,
        old_progress=None,
        progress=action.progress,
        note=note or "Action recorded.",
    )


def action_update(*, action, updated_by, expected_version, partners=None, **fields):
    """Edit what an action is (title, dates, lead, ...), never its status."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"action_update cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = _lock_current(action, expected_version)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean()
        current.version += 1
        current._history_user = updated_by  # for the audit trail
        if partners is not None:
            current.partners.set(partners)
        current.save()
    return current


# --- Weekly digests -----------------------------------------------------------------


class DigestSendFailed(Exception):
    """The mail server did not take a digest; the delivery is marked failed for a retry."""


def _claimable(now):
    """Deliveries a run may take: never tried, failed, or claimed by a worker that died."""
    lease = datetime.timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    return Q(status__in=[DigestDelivery.Status.PENDING, DigestDelivery.Status.FAILED]) | Q(
        status=DigestDelivery.Status.SENDING, claimed_at__lt=now - lease
    )


def digest_plan_week(*, week, username=None):
    """Make sure every recipient has a delivery row for the week; return the ids still to send.

    Rows are unique per recipient, week and kind, so two runs planning at once create
    each row once; which of them sends it is settled later by the claim.
    """
    recipients = digests.digest_recipients(username)
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(recipient=user, week=week, kind=kind) for user, kind in recipients],
        ignore_conflicts=True,
    )
    to_send = DigestDelivery.objects.filter(
        _claimable(timezone.now()),
        week=week,
        recipient__in=[user for user, _ in recipients],
    )
    return list(to_send.order_by("pk").values_list("pk", flat=True))


def digest_deliver(*, delivery_id, now=None, builder=None):
    """Claim one delivery, build its digest and send it. Returns what happened:
    "sent", "empty", "unsubscribed" or "skipped" (another run holds or finished it).
    Raises DigestSendFailed when the mail server refuses; the row then says why.
    A run sending many digests passes one `builder` (digests.DigestBuilder) for all.
    """
    now = now or timezone.now()
    # The claim: a conditional UPDATE that exactly one run can win.
    claimed = DigestDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
        status=DigestDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "skipped"
    delivery = DigestDelivery.objects.select_related("recipient__digest_preference").get(
        pk=delivery_id
    )
    rows = DigestDelivery.objects.filter(pk=delivery_id)
    recipient = delivery.recipient
    try:
        preference = recipient.digest_preference
    except DigestPreference.DoesNotExist:
        preference = None  # no row: digests on
    if preference is not None and not preference.receives_digests:
        rows.update(status=DigestDelivery.Status.UNSUBSCRIBED, item_count=0)
        return "unsubscribed"

    if builder is None or builder.week != delivery.week:
        builder = digests.DigestBuilder(delivery.week)
    digest = builder.build(recipient, delivery.kind, preference)
    if digest.is_empty:
        rows.update(status=DigestDelivery.Status.EMPTY, item_count=0)
        return "empty"

    message = build_message(
        digest.template,
        {"digest": digest, "user": recipient, "site_url": settings.SITE_URL},
        to=recipient.email,
        headers={
            "List-Unsubscribe": f"<{digest.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except Exception as error:  # any refusal or network failure: record it, retry later
        rows.update(
            status=DigestDelivery.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise DigestSendFailed(str(error)) from error
    # DUPLICATE WINDOW: the mail server has accepted the message. If the process dies
    # before the next statement commits, the claim stays "sending"; once its lease runs
    # out, the next run sends this digest again. Nothing else can send it twice.
    rows.update(
        status=DigestDelivery.Status.SENT,
        sent_at=timezone.now(),
        item_count=digest.item_count,
        last_error="",
    )
    return "sent"


def digest_set_preference(*, user, receives_digests):
    preference, _ = DigestPreference.objects.get_or_create(user=user)
    preference.receives_digests = receives_digests
    preference.save(update_fields=["receives_digests", "updated_at"])
    return preference


class UnsubscribeLinkInvalid(Exception):
    pass


def digest_unsubscribe(*, token):
    """Turn digests off for the user a signed link was made for. Each link works once."""
    try:
        user_id, generation = digests.read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UnsubscribeLinkInvalid("This unsubscribe link is not valid.") from None
    with transaction.atomic():
        preference, _ = DigestPreference.objects.select_for_update().get_or_create(user_id=user_id)
        if preference.link_generation != generation:
            raise UnsubscribeLinkInvalid("This unsubscribe link has already been used.")
        preference.receives_digests = False
        preference.link_generation += 1
        preference.save(update_fields=["receives_digests", "link_generation", "updated_at"])
    return preference
