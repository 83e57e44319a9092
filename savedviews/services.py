"""Every write to saved views: create, change (name, sharing), delete."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import SavedView


def _name_taken(name):
    return ValidationError(
        {
            "name": _("You already have a view named “%(name)s”. Choose another name.")
            % {"name": name}
        }
    )


def _check_name_free(*, owner, name, saved_view=None):
    others = SavedView.objects.filter(owner=owner, name__iexact=name)
    if saved_view is not None:
        others = others.exclude(pk=saved_view.pk)
    if others.exists():
        raise _name_taken(name)


def saved_view_create(*, owner, name, list_name, query, shared=False) -> SavedView:
    """A new view; ValidationError on "name" if the owner has one of that name already."""
    _check_name_free(owner=owner, name=name)
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=owner, name=name, list_name=list_name, query=query, shared=shared
            )
    except IntegrityError as error:  # the same name, sent twice at once
        raise _name_taken(name) from error


def saved_view_update(*, saved_view, name, shared) -> list[str]:
    """Rename or (un)share a view; returns what changed ("name", "sharing"), empty if
    nothing did."""
    changed = []
    if name != saved_view.name:
        _check_name_free(owner=saved_view.owner_id, name=name, saved_view=saved_view)
        changed.append("name")
    if shared != saved_view.shared:
        changed.append("sharing")
    if not changed:
        return []
    before = saved_view.name, saved_view.shared
    saved_view.name, saved_view.shared = name, shared
    try:
        with transaction.atomic():
            saved_view.save(update_fields=["name", "shared", "updated_at"])
    except IntegrityError as error:  # the same name, given to another view meanwhile
        saved_view.name, saved_view.shared = before
        raise _name_taken(name) from error
    return changed


def saved_view_delete(*, saved_view) -> None:
    saved_view.delete()
