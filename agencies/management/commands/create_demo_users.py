"""Demo logins for a fresh development checkout: `make run` calls this.

Creates one secretariat user and one focal point per GMG agency, but only in an
empty user table, so it can never add known passwords to a portal in use.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from agencies.models import SECRETARIAT_GROUP, FocalPoint, Organisation

DEMO_PASSWORD = "gfmd-demo-2026"
SECRETARIAT_USERNAME = "secretariat"


class Command(BaseCommand):
    help = "Create demo users (one secretariat user, one focal point per GMG agency) if none exist."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow running with DEBUG off (never on a real portal).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo users are for development: DEBUG is off (use --force).")
        User = get_user_model()
        if not User.objects.exists():
            self._create()
        elif not User.objects.filter(username=SECRETARIAT_USERNAME).exists():
            self.stdout.write("Users already exist; no demo users created.")
            return
        self._print_logins()

    @transaction.atomic
    def _create(self):
        User = get_user_model()
        group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        secretariat = User.objects.create_user(
            SECRETARIAT_USERNAME,
            email="secretariat@example.org",
            password=DEMO_PASSWORD,
            first_name="Demo",
            last_name="Secretariat",
            is_staff=True,
        )
        secretariat.groups.add(group)
        # The demo secretariat may also use the admin for the reference data.
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label__in=["actions", "roundtables", "agencies"]
            )
        )
        # The twelve agencies of the GMG note (IOM counts as "other international" in 2007).
        agencies = Organisation.objects.filter(
            acronym__in=[
                "ILO",
                "IOM",
                "UNCTAD",
                "UNDP",
                "UNDESA",
                "UNFPA",
                "OHCHR",
                "UNHCR",
                "UNODC",
                "World Bank",
                "UNICEF",
                "UNESCO",
            ]
        )
        if not agencies:
            raise CommandError("No agencies found: run `manage.py load_gfmd` first.")
        for agency in agencies:
            username = slugify(agency.acronym).replace("-", "")
            user = User.objects.create_user(
                username,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
                first_name=agency.acronym,
                last_name="Focal point",
            )
            FocalPoint.objects.create(user=user, organisation=agency)
        self.stdout.write(self.style.SUCCESS("Demo users created."))

    def _print_logins(self):
        rows = FocalPoint.objects.select_related("user", "organisation").filter(
            user__last_name="Focal point"
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {SECRETARIAT_USERNAME:<12} secretariat staff: edits everything")
        for row in rows:
            self.stdout.write(
                f"  {row.user.username:<12} focal point of {row.organisation.acronym}"
            )
        self.stdout.write("")
