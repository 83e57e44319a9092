import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from actions.models import FollowUpAction
from agencies.models import SECRETARIAT_GROUP, FocalPoint, Organisation
from roundtables.models import Forum, Involvement, RoundTable, Session


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def secretariat(self, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
            self.groups.add(group)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.acronym}")
    kind = Organisation.Kind.UN_AGENCY
    is_gmg_member = True


class GovernmentFactory(OrganisationFactory):
    acronym = factory.Sequence(lambda n: f"Country {n}")
    name = factory.LazyAttribute(lambda o: o.acronym)
    kind = Organisation.Kind.GOVERNMENT
    is_gmg_member = False


class FocalPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocalPoint

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 100)
    short_name = factory.LazyAttribute(lambda f: f"GFMD {f.number}")
    city = "Geneva"
    host_government = factory.SubFactory(GovernmentFactory)


class RoundTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundTable

    forum = factory.SubFactory(ForumFactory)
    number = factory.Sequence(lambda n: n % 3 + 1)
    theme = factory.Sequence(lambda n: f"Theme {n}")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    round_table = factory.SubFactory(RoundTableFactory)
    code = factory.LazyAttributeSequence(lambda s, n: f"{s.round_table.number}.{n + 1}")
    title = factory.Sequence(lambda n: f"Session {n}")


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    session = factory.SubFactory(SessionFactory)
    forum = factory.LazyAttribute(lambda i: i.session.round_table.forum)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Involvement.Role.SPEAKER


class FollowUpActionFactory(factory.django.DjangoModelFactory):
    """Builds rows directly; tests of status rules go through actions.services."""

    class Meta:
        model = FollowUpAction
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"action-{n}")
    title = factory.Sequence(lambda n: f"Follow-up action {n}")
    forum = factory.SubFactory(ForumFactory)
    lead = factory.SubFactory(OrganisationFactory)
    # Reported, as most tests want it; progress=None is an action nobody gave a figure for.
    progress = 0
    last_reported_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.SelfAttribute("last_reported_at")

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)
