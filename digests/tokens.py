"""The signed one-click unsubscribe links: the signature is the credential, each link
works once (its generation is bumped when used)."""

from django.contrib.auth import get_user_model
from django.core import signing

# Links signed before the digests had their own app carry this salt: keep it.
UNSUBSCRIBE_SALT = "actions.digest.unsubscribe"


def unsubscribe_token(user, preference=None):
    generation = preference.link_generation if preference else 0
    return signing.dumps({"u": user.pk, "g": generation}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, link generation) from a token; signing.BadSignature if it was tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["u"]), int(data["g"])


def unsubscribe_link_account(token):
    """(the user a link was made for, or None if that account was deleted since; the link's
    generation). signing.BadSignature (or KeyError, TypeError, ValueError) if tampered with."""
    user_id, generation = read_unsubscribe_token(token)
    return get_user_model().objects.filter(pk=user_id).first(), generation


def masked_email(address):
    """i***@iom.int: enough for its owner to recognise, little for anyone else to use."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "***" if address else ""
    return f"{local[:1]}***@{domain}"
