"""The list an action was opened from, so its page can lead back to the same filtered page.

Redmine does the same: the action list and /my/ remember their address (filters, sort and
page); the action's page, its edit form, and the page after saving a report or an edit link
back to it.

Kept in a signed cookie, not in the session: writing the session would add a database write
to every list page, whose queries are counted (tests/test_action_list.py). The cookie is
signed for the one user (another user's cookie on a shared computer reads as none) and is
checked again when read: only the path of one of the two lists, with its query string
re-encoded, ever becomes a link.
"""

from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

COOKIE_NAME = "list_to_return_to"
# A list address is short; anything longer was not written by remember_list.
MAX_LENGTH = 2000


class ListToReturnTo(NamedTuple):
    url: str
    # The list's name, as the main navigation says it.
    title: str
    # Which main navigation item it is.
    nav: str


def _lists():
    """{path: (title, nav)} of the lists an action page may lead back to; the titles in the
    request's language (the cookie holds only the address)."""
    return {
        reverse("action_list"): (_("Actions"), "actions"),
        reverse("my_assignments"): (_("My assignments"), "my"),
    }


def _salt(request):
    # Django adds the cookie's name to the salt.
    return f"user:{request.user.pk}"


def list_link(url):
    """`url` as a link to one of the lists, or None if it is anything else."""
    if not isinstance(url, str) or len(url) > MAX_LENGTH:
        return None
    parts = urlsplit(url)
    lists = _lists()
    if parts.scheme or parts.netloc or parts.fragment or parts.path not in lists:
        return None
    query = QueryDict(parts.query).urlencode()
    title, nav = lists[parts.path]
    return ListToReturnTo(f"{parts.path}?{query}" if query else parts.path, title, nav)


def remember_list(request, response):
    """Remember the list `request` showed, if it is one of the lists and showed its rows
    (a list refused for bad filters is not a page to come back to). Returns `response`."""
    remembered = list_link(request.get_full_path())
    if response.status_code == 200 and remembered is not None:
        response.set_signed_cookie(
            COOKIE_NAME,
            remembered.url,
            salt=_salt(request),
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def list_to_return_to(request) -> ListToReturnTo:
    """The list this user last looked at, with its filters, sort and page; else all actions."""
    url = request.get_signed_cookie(COOKIE_NAME, default=None, salt=_salt(request))
    return list_link(url) or list_link(reverse("action_list"))
