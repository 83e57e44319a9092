"""Every write of the weekly digests: planning a week, claiming and sending each delivery
once, preferences and unsubscribing."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Literal, TypeAlias

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from agencies.languages import language_for_recipient

from . import content, tokens
from .emails import build_message
from .models import DigestDelivery, DigestPreference

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL

# What digest_deliver() did with one delivery.
DeliveryOutcome: TypeAlias = Literal["sent", "empty", "unsubscribed", "skipped"]


class DigestSendFailed(Exception):
    """The mail server did not take a digest; the delivery is marked failed for a retry."""


def _claimable(now: datetime.datetime) -> Q:
    """Deliveries a run may take: never tried, failed, or claimed by a worker that died."""
    lease = datetime.timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    return Q(status__in=[DigestDelivery.Status.PENDING, DigestDelivery.Status.FAILED]) | Q(
        status=DigestDelivery.Status.SENDING, claimed_at__lt=now - lease
    )


def digest_plan_week(*, week: str, username: str | None = None) -> list[int]:
    """Make sure every recipient has a delivery row for the week; return the ids still to send.

    Rows are unique per recipient, week and kind, so two runs planning at once create
    each row once; which of them sends it is settled later by the claim.
    """
    recipients = content.digest_recipients(username)
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


def digest_deliver(
    *,
    delivery_id: int,
    now: datetime.datetime | None = None,
    builder: content.DigestBuilder | None = None,
) -> DeliveryOutcome:
    """Claim one delivery, build its digest and send it. Returns what happened:
    "sent", "empty", "unsubscribed" or "skipped" (another run holds or finished it).
    Raises DigestSendFailed when the mail server refuses; the row then says why.
    A run sending many digests passes one `builder` (content.DigestBuilder) for all.
    """
    now = now or timezone.now()
    # The claim: a conditional UPDATE that exactly one run can win.
    claimed = DigestDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
        status=DigestDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "skipped"
    # With the recipient's profile: the language their digest is written in.
    delivery = DigestDelivery.objects.select_related(
        "recipient__digest_preference", "recipient__profile"
    ).get(pk=delivery_id)
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
        builder = content.DigestBuilder(delivery.week)
    digest = builder.build(recipient, delivery.kind, preference)
    if digest.is_empty:
        rows.update(status=DigestDelivery.Status.EMPTY, item_count=0)
        return "empty"

    # The digest is built in no language (one run's digests share what they read); its words
    # are chosen here, in the recipient's, and so is what the log keeps of it.
    # Not annotated yet (agencies.languages): once it is, mypy flags this ignore as unused.
    language: str = language_for_recipient(recipient)
    with translation.override(language):
        message = build_message(
            digest.template,
            {"digest": digest, "user": recipient, "site_url": settings.SITE_URL},
            to=recipient.email,
            headers={
                "List-Unsubscribe": f"<{digest.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Content-Language": language,
            },
        )
        contents = _listed_in(digest)
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
        # What it said, for the delivery log: in this same UPDATE, from the built digest.
        subject=message.subject[:300],
        contents=contents,
        language=language,
    )
    return "sent"


def _section_listed(heading: str, titles: list[str], total: int) -> dict:
    return {"heading": heading, "titles": titles, "more": total - len(titles)}


def _listed_in(digest: content.FocalPointDigest | content.SecretariatDigest) -> list[dict]:
    """The sections a sent digest had, as the delivery log shows them: each heading (in the
    active language, the e-mail's own words), the titles it listed and how many more it
    counted. Read from the built digest: no query."""
    if isinstance(digest, content.SecretariatDigest):
        overdue = [
            f"{group.lead}: {item.title}" for group in digest.overdue_groups for item in group.items
        ][: content.SECTION_LIMIT]
        quiet = [org.acronym for org in digest.quiet_organisations]
        days = digest.stale_days
        sections = [
            _section_listed(
                gettext("Changed this week"),
                [c.title for c in digest.changes],
                digest.changes.total,
            ),
            _section_listed(
                gettext("Overdue, by lead organisation"), overdue, digest.overdue_count
            ),
            _section_listed(
                ngettext(
                    "Organisations with no update for %(days)s day",
                    "Organisations with no update for %(days)s days",
                    days,
                )
                % {"days": days},
                quiet[: content.SECTION_LIMIT],
                len(quiet),
            ),
        ]
    else:
        # The headings of templates/emails/digest-focal-point-body.html, word for word.
        due_days, stale_days = digest.due_soon_days, digest.stale_days
        sections = [
            _section_listed(heading, [item.title for item in section], section.total)
            for heading, section in (
                (pgettext("digest section", "Overdue"), digest.overdue),
                (
                    ngettext(
                        "Due in the next %(days)s day", "Due in the next %(days)s days", due_days
                    )
                    % {"days": due_days},
                    digest.due_soon,
                ),
                (
                    ngettext(
                        "No update for %(days)s day or more",
                        "No update for %(days)s days or more",
                        stale_days,
                    )
                    % {"days": stale_days},
                    digest.stale,
                ),
                (gettext("Changed this past week"), digest.changes),
            )
        ]
    return [section for section in sections if section["titles"] or section["more"]]


def digest_set_preference(*, user: User, receives_digests: bool) -> DigestPreference:
    preference, _ = DigestPreference.objects.get_or_create(user=user)
    preference.receives_digests = receives_digests
    preference.save(update_fields=["receives_digests", "updated_at"])
    return preference


class UnsubscribeLinkInvalid(Exception):
    """A link that cannot unsubscribe anyone; the message says why, for the page."""


class UnsubscribeAccountGone(UnsubscribeLinkInvalid):
    """The link was made for an account that has been deleted since."""


LINK_ALREADY_USED = gettext_lazy("This unsubscribe link has already been used.")


def _unsubscribe_link_account(token: str) -> tuple[User, int]:
    try:
        user, generation = tokens.unsubscribe_link_account(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UnsubscribeLinkInvalid(gettext("This unsubscribe link is not valid.")) from None
    if user is None:
        raise UnsubscribeAccountGone(
            gettext("This link was made for an account that no longer exists.")
        )
    return user, generation


def digest_unsubscribe_account(*, token: str) -> User:
    """The account a link would unsubscribe, if it still can; changes nothing.
    Raises UnsubscribeLinkInvalid (not valid, already used, account deleted)."""
    user, generation = _unsubscribe_link_account(token)
    preference = DigestPreference.objects.filter(user=user).first()
    if (preference.link_generation if preference else 0) != generation:
        raise UnsubscribeLinkInvalid(LINK_ALREADY_USED)
    return user


def digest_unsubscribe(*, token: str) -> DigestPreference:
    """Turn digests off for the user a signed link was made for. Each link works once."""
    user, generation = _unsubscribe_link_account(token)
    with transaction.atomic():
        preference, _ = DigestPreference.objects.select_for_update().get_or_create(user=user)
        if preference.link_generation != generation:
            raise UnsubscribeLinkInvalid(LINK_ALREADY_USED)
        preference.receives_digests = False
        preference.link_generation += 1
        preference.save(update_fields=["receives_digests", "link_generation", "updated_at"])
    return preference
