from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .tasks import send_password_reset


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with its refusal in the portal's own words: Django's Spanish
    says "clave" where every other page says "contraseña"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct %(username)s and password. Note that both fields may be "
            "case-sensitive."
        ),
    }


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
