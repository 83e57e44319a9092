from django.contrib.auth.forms import PasswordResetForm

from .tasks import send_password_reset


class PasswordResetByTaskForm(PasswordResetForm):
    """Django's password reset form, which hands the address to a Celery task.

    The task looks the accounts up and mails them (agencies.tasks.send_password_reset), so
    the request does the same work whether or not an account uses the address, and no SMTP.
    """

    def save(self, **kwargs):
        # The view's options (request, use_https, domain) would build the link from the
        # request's Host header; the task builds it from settings.SITE_URL instead. Nothing
        # here writes to the database, so there is no commit to wait for.
        send_password_reset.delay(self.cleaned_data["email"])
