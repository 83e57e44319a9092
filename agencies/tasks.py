"""Celery tasks: thin, like actions.tasks. Mail that must not be sent from a request."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm


@shared_task
def send_password_reset(email):
    """Mail a reset link to each active account using this address; none, no mail.

    Takes the address rather than a user id, so the request that enqueues it cannot tell
    (nor take longer) when an account exists. The link starts with settings.SITE_URL, never
    with the Host header of the request that asked. A refused send is logged by Django.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=urlsplit(settings.SITE_URL).netloc,
        use_https=settings.SITE_URL.startswith("https:"),
        extra_email_context={"site_url": settings.SITE_URL},
    )
