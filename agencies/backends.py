"""Signing in, and reading the signed-in user on each request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from .models import IS_SECRETARIAT_ANNOTATION, secretariat_condition


class PortalModelBackend(ModelBackend):
    """Django's ModelBackend, but the user read for each request also says whether they are
    secretariat staff, and which language they chose (their profile), in the same query:
    nearly every page asks (the navigation, the rights, the language), and asking apart cost
    each page one more query each."""

    def get_user(self, user_id):
        User = get_user_model()
        staff = User._default_manager.filter(secretariat_condition(), pk=OuterRef("pk"))
        user = (
            User._default_manager.annotate(**{IS_SECRETARIAT_ANNOTATION: Exists(staff)})
            .select_related("profile")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
