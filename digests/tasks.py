"""Celery tasks: thin wrappers that take ids and call the digest services."""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from . import content, services


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


@shared_task(name="actions.tasks.send_weekly_digests")
def send_weekly_digests(week=None):
    """Beat's Monday job: plan the week, then one task per recipient."""
    week = week or content.current_week()
    with transaction.atomic():
        delivery_ids = services.digest_plan_week(week=week)
        for delivery_id in delivery_ids:
            transaction.on_commit(lambda pk=delivery_id: send_digest.delay(pk))
    return len(delivery_ids)
