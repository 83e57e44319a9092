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
from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from actions import permissions
from agencies.languages import chosen_language, language_for_recipient

from . import content, services, tokens
from .filters import DigestDeliveryFilter
from .models import DigestDelivery, DigestPreference

Kind = DigestDelivery.Kind


class DigestSettingsForm(forms.Form):
    receives_digests = forms.BooleanField(
        required=False,
        label=gettext_lazy("Send me the weekly digest"),
        help_text=gettext_lazy("Every Monday morning: what needs your attention and what changed."),
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
            if wanted:
                unchanged = _("Nothing to save: you still receive the weekly digest.")
            else:
                unchanged = _("Nothing to save: you still do not receive the weekly digest.")
            messages.info(request, unchanged)
            return redirect("digest_settings")
        services.digest_set_preference(user=request.user, receives_digests=wanted)
        if wanted:
            messages.success(request, _("Saved: you will receive the weekly digest."))
        else:
            messages.success(request, _("Saved: you will no longer receive the weekly digest."))
        return redirect("digest_settings")
    context = {
        "form": form,
        "has_email": bool(request.user.email),
        "is_secretariat": request.viewer.is_secretariat,
        # Who digest_recipients() sends one to: focal points and secretariat staff.
        "gets_a_digest": request.viewer.is_secretariat or bool(request.viewer.organisation_ids),
        # The language digests are written in, and whether it is the person's own choice.
        "digest_language": language_for_recipient(request.user),
        "chose_a_language": chosen_language(request.user) is not None,
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


def _preview_problem(request, problem, status):
    is_secretariat = request.viewer.is_secretariat
    context = {
        "problem": problem,
        "is_secretariat": is_secretariat,
        "nav": "digests" if is_secretariat else "settings",
    }
    return render(request, "digests/preview_missing.html", context, status=status)


def _preview_recipient(request):
    """Whose digest to preview: secretariat staff name anyone (?user=), everyone else sees
    only their own. Returns (user or None, problem, status); PermissionDenied for another's."""
    username = request.GET.get("user", "").strip()
    if username and username != request.user.get_username():
        permissions.require_secretariat(
            request.viewer,
            pgettext("what only secretariat staff can do", "preview other people's digests"),
        )
    elif not username:
        if not request.viewer.is_secretariat:
            return request.user, "", 200
        return None, _("Say whose digest to preview: add ?user=USERNAME to the address."), 400
    # With their profile: the preview is in the language their digest is sent in.
    user = get_user_model().objects.select_related("profile").filter(username=username).first()
    if user is None:
        return None, _("There is no user named “%(username)s”.") % {"username": username}, 404
    return user, "", 200


# The e-mail carries its own <style> block, as mail clients need; allow it on this page only.
@require_safe
@csp_update({"style-src": ["'unsafe-inline'"]})
def digest_preview(request):
    """The HTML digest a user would get in a week (?week=, this one by default), in the
    language it would be sent in, with its unsubscribe and settings links made inert.
    Secretariat staff preview anyone's digest of either kind; a focal point only their own
    focal point digest."""
    user, problem, status = _preview_recipient(request)
    if user is None:
        return _preview_problem(request, problem, status)
    kind = request.GET.get("kind", "").strip()
    if kind and kind not in Kind.values:
        problem = _("“%(kind)s” is not a kind of digest: say %(kinds)s.") % {
            "kind": kind,
            "kinds": get_text_list(Kind.values, _("or")),
        }
        return _preview_problem(request, problem, 400)
    if not request.viewer.is_secretariat:
        # Their own digest is the focal point digest, if they serve an organisation at all.
        if kind == Kind.SECRETARIAT:
            permissions.require_secretariat(
                request.viewer,
                pgettext("what only secretariat staff can do", "preview the secretariat overview"),
            )
        if not request.viewer.organisation_ids:
            problem = _(
                "You are not a focal point of any organisation, so no digest is made for you."
            )
            return _preview_problem(request, problem, 404)
        kind = Kind.FOCAL_POINT
    elif not kind:
        # The digest the run would send them: focal points get theirs, the others the overview.
        kind = Kind.FOCAL_POINT if user.focal_points.exists() else Kind.SECRETARIAT
    try:
        week = content.parse_week(request.GET.get("week", "").strip() or content.current_week())
    except ValueError as bad_week:
        return _preview_problem(request, str(bad_week), 400)
    return _digest_page(content.build_digest(user, week, kind, preview=True), user)


def _digest_page(digest, user):
    """A digest's HTML e-mail as a page, in the language it would be sent to `user` in."""
    language = language_for_recipient(user)
    with translation.override(language):
        html = render_to_string(
            f"emails/{digest.template}-body.html", {"digest": digest, "user": user}
        )
    return HttpResponse(html, headers={"Content-Language": language})


@require_safe
def digest_log(request):
    """Who was sent which week's digest, when, how many items, and the failures."""
    permissions.require_secretariat(
        request.viewer,
        pgettext("what only secretariat staff can do", "see the digest delivery log"),
    )
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
