import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

RENEWED_KEY = "_renewed_at"


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
