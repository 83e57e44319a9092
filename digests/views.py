"""Pages around the weekly digest: settings, unsubscribe, preview, delivery log."""

from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from actions import permissions

from . import content, services, tokens
from .filters import DigestDeliveryFilter
from .models import DigestDelivery, DigestPreference

Kind = DigestDelivery.Kind


class DigestSettingsForm(forms.Form):
    receives_digests = forms.BooleanField(
        required=False,
        label="Send me the weekly digest",
        help_text="Every Monday morning: what needs your attention and what changed.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def digest_settings(request):
    preference = DigestPreference.objects.filter(user=request.user).first()
    receives = preference.receives_digests if preference else True
    # An unticked box posts nothing at all, so bind on the method, not on the data.
    data = request.POST if request.method == "POST" else None
    form = DigestSettingsForm(data, initial={"receives_digests": receives})
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["receives_digests"]
        if wanted == receives:
            state = "receive" if wanted else "not receive"
            messages.info(request, f"Nothing to save: you still {state} the weekly digest.")
            return redirect("digest_settings")
        services.digest_set_preference(user=request.user, receives_digests=wanted)
        if wanted:
            messages.success(request, "Saved: you will receive the weekly digest.")
        else:
            messages.success(request, "Saved: you will no longer receive the weekly digest.")
        return redirect("digest_settings")
    context = {
        "form": form,
        "has_email": bool(request.user.email),
        "is_secretariat": request.viewer.is_secretariat,
        "nav": "settings",
    }
    return render(request, "digests/settings.html", context)


# The signed token is the credential here: it works without a login, and mail clients
# that support one-click unsubscribe (RFC 8058) POST to it without a CSRF token.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def digest_unsubscribe(request, token):
    try:
        if request.method == "POST":
            services.digest_unsubscribe(token=token)
            return render(request, "digests/unsubscribe.html", {"done": True})
        # A GET only asks: link checkers and mail scanners open links without meaning to.
        account = services.digest_unsubscribe_account(token=token)
    except services.UnsubscribeLinkInvalid as problem:
        gone = isinstance(problem, services.UnsubscribeAccountGone)
        return render(
            request,
            "digests/unsubscribe.html",
            {"problem": str(problem)},
            status=410 if gone else 400,
        )
    # Named, so whoever opens a forwarded link sees whose digest it would stop.
    context = {"username": account.username, "email": tokens.masked_email(account.email)}
    return render(request, "digests/unsubscribe.html", context)


# The e-mail carries its own <style> block, as mail clients need; allow it on this page only.
@require_safe
@csp_update({"style-src": ["'unsafe-inline'"]})
def digest_preview(request):
    """The HTML digest a user would get this week, for secretariat staff, with its
    unsubscribe and settings links made inert: they would act for that user."""
    permissions.require_secretariat(request.viewer, "preview other people's digests")
    username = request.GET.get("user", "").strip()
    if not username:
        return render(
            request,
            "digests/preview_missing.html",
            {"problem": "Say whose digest to preview: add ?user=USERNAME to the address."},
            status=400,
        )
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return render(
            request,
            "digests/preview_missing.html",
            {"problem": f"There is no user named “{username}”."},
            status=404,
        )
    kind = request.GET.get("kind", "").strip()
    if not kind:
        # The digest the run would send them: focal points get theirs, the others the overview.
        kind = Kind.FOCAL_POINT if user.focal_points.exists() else Kind.SECRETARIAT
    elif kind not in Kind.values:
        kinds = " or ".join(Kind.values)
        return render(
            request,
            "digests/preview_missing.html",
            {"problem": f"“{kind}” is not a kind of digest: say {kinds}."},
            status=400,
        )
    digest = content.build_digest(user, content.current_week(), kind, preview=True)
    html = render_to_string(f"emails/{digest.template}-body.html", {"digest": digest, "user": user})
    return HttpResponse(html)


@require_safe
def digest_log(request):
    """Who was sent which week's digest, when, how many items, and the failures."""
    permissions.require_secretariat(request.viewer, "see the digest delivery log")
    filterset = DigestDeliveryFilter(request.GET or None)
    valid = not filterset.is_bound or filterset.is_valid()
    page = (
        Paginator(filterset.qs.for_log(), 50).get_page(request.GET.get("page")) if valid else None
    )
    return render(
        request,
        "digests/log.html",
        {
            "filter": filterset,
            "page_obj": page,
            "nav": "digests",
            "is_filtered": bool(request.GET.keys() - {"page"}),
        },
        status=200 if valid else 400,
    )
