"""Celery tasks: thin wrappers that take ids and call the digest services."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Min

from . import content, services
from .models import DigestDelivery


def retry_delay(retries):
    """Exponential backoff, capped well under the broker's visibility timeout."""
    return min(settings.DIGEST_RETRY_BASE_SECONDS * 2**retries, settings.DIGEST_RETRY_MAX_SECONDS)


# The names these tasks had in the actions app: beat's schedule and messages already queued
# by an older release call them so.
@shared_task(
    name="actions.tasks.send_digest",
    bind=True,
    max_retries=settings.DIGEST_MAX_RETRIES,
    acks_late=True,
)
def send_digest(self, delivery_id):
    try:
        return services.digest_deliver(delivery_id=delivery_id)
    except services.DigestSendFailed as error:
        if self.request.is_eager:
            # In-process (no broker): leave it failed for the next run rather than block.
            return "failed"
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error


# Digests per task: the focal points of one organisation, built with one DigestBuilder, share
# what was read for that organisation (a busy one has thousands of actions needing attention).
BATCH_SIZE = 50


@shared_task(
    name="digests.tasks.send_digest_batch",
    bind=True,
    max_retries=settings.DIGEST_MAX_RETRIES,
    acks_late=True,
)
def send_digest_batch(self, week, delivery_ids):
    """Send several deliveries of a week with one builder; those the mail server refused go
    round again together, with send_digest's backoff. Each delivery is still claimed alone,
    so a batch run twice sends nothing twice."""
    builder = content.DigestBuilder(week)
    refused, error = [], None
    for delivery_id in delivery_ids:
        try:
            services.digest_deliver(delivery_id=delivery_id, builder=builder)
        except services.DigestSendFailed as send_error:
            refused.append(delivery_id)
            error = send_error
    if refused and not self.request.is_eager:
        raise self.retry(
            args=(week, refused), exc=error, countdown=retry_delay(self.request.retries)
        )
    return len(delivery_ids) - len(refused)


def batches_by_organisation(delivery_ids, size=BATCH_SIZE):
    """The deliveries in groups of `size`, ordered so that the focal points of one
    organisation come together (and the secretariat's overviews after them)."""
    ordered = (
        DigestDelivery.objects.filter(pk__in=delivery_ids)
        .annotate(organisation=Min("recipient__focal_points__organisation"))
        .order_by(F("organisation").asc(nulls_last=True), "pk")
        .values_list("pk", flat=True)
    )
    ordered = list(ordered)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


@shared_task(name="actions.tasks.send_weekly_digests")
def send_weekly_digests(week=None):
    """Beat's Monday job: plan the week, then one task per batch of recipients."""
    week = week or content.current_week()
    with transaction.atomic():
        delivery_ids = services.digest_plan_week(week=week)
        for batch in batches_by_organisation(delivery_ids):
            transaction.on_commit(lambda ids=batch: send_digest_batch.delay(week, ids))
    return len(delivery_ids)
