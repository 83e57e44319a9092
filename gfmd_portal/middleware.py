import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control

from actions.permissions import Viewer
from agencies.languages import chosen_language

RENEWED_KEY = "_renewed_at"
NUL = "\x00"


def _holds_nul(query_dict):
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in query_dict.lists()
    )


class RejectNulMiddleware:
    """Answer 400 to a NUL character in the path, the query string, a form field or a cookie.

    PostgreSQL refuses text holding NUL, so such a value reaching a query answers 500 there
    while SQLite answers 404 or 200; no honest request carries one. Sits before the session
    and auth middleware, so nothing has queried the database yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _holds_nul(request.GET):
            reason = "Bad request: the address contains a NUL character."
        elif request.method == "POST" and _holds_nul(request.POST):
            reason = "Bad request: the form contains a NUL character."
        elif any(NUL in value for value in request.COOKIES.values()):
            # A quoted cookie may spell one as "\000"; the session cookie goes to a query.
            reason = "Bad request: a cookie contains a NUL character."
        else:
            return self.get_response(request)
        return render(request, "400.html", {"reason": reason}, status=400)


class HealthCheckMiddleware:
    """Answer /healthz before the session and auth middleware run.

    With the database down, anything that reads the session a cookie names (the sliding
    session, the login check) fails with a 500; the health check must still say 503, in
    JSON, whatever cookie comes with it.
    """

    def __init__(self, get_response):
        # Imported here: the views import this module (client_ip_address).
        from .views import HEALTHZ_ROUTE, healthz

        self.get_response = get_response
        self.path = "/" + HEALTHZ_ROUTE
        self.healthz = healthz

    def __call__(self, request):
        if request.path_info == self.path:
            return self.healthz(request)
        return self.get_response(request)


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on what a signed-in user gets, unless the view set
    its own: pages and exports hold that user's data, which no shared cache or browser disk
    should keep. Sits after AuthenticationMiddleware, which sets request.user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class SlidingSessionMiddleware:
    """End sessions after SESSION_COOKIE_AGE of inactivity, not after a fixed time.

    Renewing the session on every request would cost a database write per page; renewing it
    when it is older than SESSION_RENEW_INTERVAL gives the same effect to within minutes.
    Sits after SessionMiddleware, so the renewal is saved with the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_INTERVAL:
                request.session[RENEWED_KEY] = now
        return response


@receiver(user_logged_in)
def _session_renewed_at_login(sender, request, user, **kwargs):
    # Logging in saves the session anyway: start its clock there, not on the next page.
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_KEY] = int(time.time())


def client_ip_address(request):
    """The address of the client, as django-axes keys lockouts on it.

    Without proxies that is the socket's address. With TRUSTED_PROXY_COUNT proxies in front,
    each appends the address it saw to X-Forwarded-For, so the client is that many entries
    from the right; anything further left was sent by the client and could be forged.
    """
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR")


class ViewerMiddleware:
    """request.viewer: who is asking (actions.permissions.Viewer), worked out once per
    request, as request.user is. Sits after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = Viewer(request.user)
        return self.get_response(request)


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the language cookie, then Accept-Language, then English),
    with a signed-in person's own choice first (agencies.languages.chosen_language). After
    AuthenticationMiddleware, whose user it reads: PortalModelBackend reads the profile in
    the same query, so the choice costs no query."""

    def process_request(self, request):
        chosen = chosen_language(request.user)
        if chosen is None:
            return super().process_request(request)
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
        return None
