import hashlib
import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language
from kombu import Connection

from agencies import languages
from agencies.forms import PasswordResetByTaskForm, SignInForm

from .middleware import client_ip_address

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2
# Also answered by HealthCheckMiddleware, before the session is read.
HEALTHZ_ROUTE = "healthz"

# Reset mails a one-hour window allows, per e-mail address and per client address.
PASSWORD_RESETS_PER_ADDRESS = 3
PASSWORD_RESETS_PER_CLIENT = 10
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60


def _database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_answers():
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:
        return False


@never_cache
@require_safe
@login_not_required
def healthz(request):
    """200 when the database and the broker answer; 503 naming what does not. No secrets."""
    checks = {"database": "ok" if _database_answers() else "unreachable"}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = "ok" if _broker_answers() else "unreachable"
    else:
        checks["broker"] = "not configured (tasks run in-process)"
    failing = [name for name, state in checks.items() if state == "unreachable"]
    status = 503 if failing else 200
    return JsonResponse({"status": "ok" if not failing else "failing", **checks}, status=status)


@require_safe
@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon is an SVG."""
    return HttpResponseRedirect(static("favicon.svg"))


@require_POST
@login_not_required  # the sign-in page has the menu too
def choose_language(request):
    """The language menu in every page's header: the choice goes into the language cookie
    (Django's set_language, which also sends the person back to a safe `next`), and, for a
    signed-in person, into their profile, so it follows them to another browser and to
    their e-mails."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        reason = _("“%(language)s” is not one of the portal’s languages.") % {"language": language}
        return render(request, "400.html", {"reason": reason}, status=400)
    if request.user.is_authenticated:
        languages.choose_language(request.user, language)
    return set_language(request)


@require_safe
def landing(request):
    """Where signing in leads (LOGIN_REDIRECT_URL; a ?next= wins over it): focal points to
    their assignments, secretariat staff and everyone else to the dashboard."""
    viewer = request.viewer
    if not viewer.is_secretariat and viewer.organisation_ids:
        return redirect("my_assignments")
    return redirect("dashboard")


def _counted_within(key, limit):
    """Count one more request under `key` in the current window; False once past `limit`."""
    cache.add(key, 0, timeout=PASSWORD_RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=PASSWORD_RESET_WINDOW_SECONDS)
        count = 1
    return count <= limit


def password_reset_allowed(*, email, client_address):
    # The address is hashed: the cache need not hold who asked.
    address_key = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    per_address = _counted_within(
        f"password-reset:email:{address_key}", PASSWORD_RESETS_PER_ADDRESS
    )
    per_client = _counted_within(
        f"password-reset:client:{client_address}", PASSWORD_RESETS_PER_CLIENT
    )
    return per_address and per_client


class LoginView(auth_views.LoginView):
    """Django's sign-in page, with the portal's words for a refused sign-in."""

    authentication_form = SignInForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, but a refused change answers 400, as all bad input does."""

    http_method_names = ["get", "head", "post"]

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, rate limited; the mail goes out from a Celery task.

    Over the limit, the visitor sees the same "check your e-mail" page and no mail is sent,
    so the answer says nothing about whether an account uses the address.
    """

    form_class = PasswordResetByTaskForm
    # FormView would treat PUT as POST.
    http_method_names = ["get", "head", "post"]

    def form_valid(self, form):
        client_address = client_ip_address(self.request)
        if password_reset_allowed(email=form.cleaned_data["email"], client_address=client_address):
            return super().form_valid(form)
        logger.warning("Password reset refused: over the hourly limit (client %s)", client_address)
        return HttpResponseRedirect(self.get_success_url())
