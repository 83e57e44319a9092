"""One way to build the portal's e-mails: a subject, a text body and an HTML body."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_message(template, context, to, headers=None):
    """Render emails/<template>-subject.txt, -body.txt and -body.html into one message.

    The context must hold evaluated data (lists, not querysets): templates never query.
    The message is in the active language: render it inside translation.override() with
    the recipient's (agencies.languages.language_for_recipient).
    """
    subject = render_to_string(f"emails/{template}-subject.txt", context)
    text = render_to_string(f"emails/{template}-body.txt", context)
    html = render_to_string(f"emails/{template}-body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message
