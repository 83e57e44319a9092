"""Which language a person reads the portal and their e-mails in: the one rule.

A signed-in person's own choice (their Profile, set from the selector in the header) comes
first; without one, pages follow the browser (Django's LocaleMiddleware: the language
cookie, then Accept-Language), and e-mails, which have no browser, are in English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

from .models import Profile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def chosen_language(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The language `user` chose in the portal, or None if they chose none."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile.language or None  # type: ignore[union-attr]
    except Profile.DoesNotExist:
        return None


def language_for_recipient(user: AbstractBaseUser) -> str:
    """The language of an e-mail to `user` (a digest): their choice, else English.
    Read `user` with select_related("profile") when there are many."""
    return chosen_language(user) or settings.LANGUAGE_CODE


def choose_language(user: AbstractBaseUser, language: str) -> None:
    """Keep `language` ("" for "follow my browser") as `user`'s choice."""
    if language and not translation.check_for_language(language):
        raise ValueError(f"{language!r} is not one of the portal's languages")
    Profile.objects.update_or_create(user=user, defaults={"language": language})
