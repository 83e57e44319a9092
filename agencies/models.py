from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SECRETARIAT_GROUP = "Secretariat"

# The acronym is the organisation's address (/agencies/<acronym>/): a "/", "?" or "#" in it
# would break every page that links there. Spaces stay allowed for names like "World Bank".
acronym_validator = RegexValidator(
    r"^[^\W_](?:[^\W_]|[ .'’-])*\Z",
    message=_(
        "Use only letters, digits, spaces, hyphens (-), full stops (.) and apostrophes, "
        "starting with a letter or digit: the acronym is part of the organisation’s web "
        "address, so characters such as “/” cannot be used."
    ),
    code="invalid_acronym",
)


class OrganisationQuerySet(models.QuerySet):
    def gmg_members(self):
        return self.filter(is_gmg_member=True)

    def governments(self):
        return self.filter(kind=Organisation.Kind.GOVERNMENT)

    def for_user(self, user):
        """The organisations a user serves as focal point for."""
        return self.filter(focal_points__user=user)

    def with_served_by(self, user):
        """Each organisation with `served`: whether `user` is one of its focal points."""
        serves = FocalPoint.objects.filter(user=user, organisation=OuterRef("pk"))
        return self.annotate(served=Exists(serves))


class Organisation(models.Model):
    """Anyone who can lead or partner in an action or take a role in a session."""

    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency")
        INTERNATIONAL = "international", _("Other international organisation")
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        OTHER = "other", pgettext_lazy("kind of organisation", "Other")

    # The natural key: agencies by their usual acronym, governments by country name.
    acronym = models.CharField(
        _("acronym"), max_length=40, unique=True, validators=[acronym_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_gmg_member = models.BooleanField(_("Global Migration Group member"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.acronym

    def natural_key(self):
        return (self.acronym,)

    @property
    def display_name(self):
        if self.acronym == self.name:
            return self.name
        return f"{self.name} ({self.acronym})"


class FocalPoint(models.Model):
    """A user who reports for an organisation; people may serve several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_points"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="focal_points"
    )

    class Meta:
        ordering = ["organisation__acronym", "user__username"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="focalpoint_unique_user_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.user} for {self.organisation}"


class Profile(models.Model):
    """What a person chose for themselves in the portal; a user without one chose nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    # Blank: follow the browser's languages (agencies.languages says the rule).
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


def secretariat_condition():
    """Who is secretariat staff, as a query on users: the rule of is_secretariat()."""
    return models.Q(groups__name=SECRETARIAT_GROUP) | models.Q(is_superuser=True)


# Set on the signed-in user by agencies.backends.PortalModelBackend, read in the same query.
IS_SECRETARIAT_ANNOTATION = "is_secretariat_staff"


def is_secretariat(user):
    """Secretariat staff run the follow-up; superusers count as staff too
    (secretariat_condition() says the same to a query)."""
    if not user.is_authenticated:
        return False
    known = getattr(user, IS_SECRETARIAT_ANNOTATION, None)
    if known is not None:
        return known
    if user.is_superuser:
        return True
    return user.groups.filter(name=SECRETARIAT_GROUP).exists()
