"""Celery tasks: thin, like actions.tasks. Mail that must not be sent from a request."""

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from .languages import language_for_recipient


class PasswordResetInRecipientLanguageForm(PasswordResetForm):
    """Each account's mail in its own language (agencies.languages), not in whichever one
    happens to be active: a worker has no request, and an eager task runs inside the
    request of whoever asked, who may not be the account's owner."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(language_for_recipient(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


@shared_task
def send_password_reset(email):
    """Mail a reset link to each active account using this address; none, no mail.

    Takes the address rather than a user id, so the request that enqueues it cannot tell
    (nor take longer) when an account exists. The link starts with settings.SITE_URL, never
    with the Host header of the request that asked. A refused send is logged by Django.
    """
    form = PasswordResetInRecipientLanguageForm({"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=urlsplit(settings.SITE_URL).netloc,
        use_https=settings.SITE_URL.startswith("https:"),
        extra_email_context={"site_url": settings.SITE_URL},
    )
