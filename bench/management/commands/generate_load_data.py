"""Fill an empty database with a large, realistic, synthetic follow-up record for benchmarks.

    python manage.py generate_load_data --actions 100000 --organisations 300 \\
        --focal-points 2000 --seed 1

Everything comes from random.Random(seed), so the same seed, sizes and day give the same
rows (dates are relative to the start of today). What it makes:

* forums numbered after the highest existing one (at least 101), short names "LOAD GFMD
  <n>", 3 round tables each with 4 sessions ("1.1" .. "3.4") and a few involvements;
* organisations "LOAD-0001".. (mostly governments and UN agencies);
* focal point users "fp0001".. spread over the organisations Zipf-like (a few busy
  organisations have many focal points and lead many actions); some serve two;
* "bench-secretariat" (group Secretariat) and the superuser "bench-admin";
* actions "load-000001".. with every status, due dates past and future (some none),
  0-3 partners, 1-4 StatusChange rows each whose old/new statuses and times agree with
  the action's status, status_changed_at and last_reported_at (spread over the past year).

Rows are written with bulk_create, so django-simple-history's audit trail
(HistoricalFollowUpAction) gets NO entries for them: fine for load data, but the audit
section of an action page stays empty. Users get an unusable password unless --password
is given (hashed once and shared by all generated users).

Safety: it refuses to run when the database already holds any action, organisation,
forum or user (the GFMD record from load_gfmd included, and data from an earlier run of
this command too), unless --force; with --force it adds a new batch on top, numbered
after what is there. After the inserts it runs VACUUM ANALYZE on the touched tables (PostgreSQL).
"""

import datetime
import itertools
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from actions.models import ActionParticipant, FollowUpAction, StatusChange
from agencies.models import SECRETARIAT_GROUP, FocalPoint, Organisation
from roundtables.models import Forum, Involvement, RoundTable, Session

ORG_PREFIX = "LOAD-"
FORUM_PREFIX = "LOAD GFMD "
SLUG_PREFIX = "load-"
USER_PREFIX = "fp"
EMAIL_DOMAIN = "load.example.org"
SECRETARIAT_USERNAME = "bench-secretariat"
ADMIN_USERNAME = "bench-admin"
FIRST_FORUM_NUMBER = 101
FORUMS = 20
ROUND_TABLES_PER_FORUM = 3
SESSIONS_PER_ROUND_TABLE = 4
BATCH_SIZE = 5000

S = FollowUpAction.Status
STATUS_WEIGHTS = [
    (S.PROPOSED, 10),
    (S.PLANNED, 15),
    (S.IN_PROGRESS, 35),
    (S.COMPLETED, 25),
    (S.ON_HOLD, 8),
    (S.CANCELLED, 7),
]
# The way an action usually travels to its current status.
STATUS_PATHS = {
    S.PROPOSED: [S.PROPOSED],
    S.PLANNED: [S.PROPOSED, S.PLANNED],
    S.IN_PROGRESS: [S.PROPOSED, S.PLANNED, S.IN_PROGRESS],
    S.COMPLETED: [S.PROPOSED, S.PLANNED, S.IN_PROGRESS, S.COMPLETED],
    S.ON_HOLD: [S.PROPOSED, S.IN_PROGRESS, S.ON_HOLD],
    S.CANCELLED: [S.PROPOSED, S.PLANNED, S.CANCELLED],
}
KIND_WEIGHTS = [
    (Organisation.Kind.GOVERNMENT, 55),
    (Organisation.Kind.UN_AGENCY, 20),
    (Organisation.Kind.INTERNATIONAL, 10),
    (Organisation.Kind.CIVIL_SOCIETY, 10),
    (Organisation.Kind.OTHER, 5),
]
CITIES = [
    "Accra", "Almaty", "Amman", "Asunción", "Bangkok", "Bogotá", "Cape Town", "Colombo",
    "Dakar", "Dhaka", "Hanoi", "Helsinki", "Kampala", "Lima", "Lisbon", "Marrakech",
    "Montevideo", "Nairobi", "Oslo", "Quito", "Rabat", "Santiago", "Tbilisi", "Tunis",
    "Ulaanbaatar", "Valletta", "Windhoek", "Yerevan",
]  # fmt: skip
VERBS = [
    "Publish", "Map", "Pilot", "Review", "Convene", "Draft", "Evaluate", "Strengthen",
    "Train staff on", "Share practice on", "Fund", "Monitor", "Survey", "Harmonise",
]  # fmt: skip
TOPICS = [
    "remittance costs", "diaspora bonds", "labour mobility schemes", "skills partnerships",
    "circular migration", "return and reintegration", "recruitment fees", "migrant health",
    "data on migration", "climate displacement", "protection of domestic workers",
    "portability of pensions", "integration policies", "youth employment", "brain gain",
    "migrant entrepreneurship", "consular services", "trafficking prevention",
]  # fmt: skip
REGIONS = [
    "West Africa", "East Africa", "the Gulf", "South Asia", "South-East Asia", "the Andes",
    "Central America", "the Caribbean", "the Western Balkans", "Central Asia", "the Sahel",
    "the Pacific", "the Mediterranean", "Southern Africa",
]  # fmt: skip
THEMES = [
    "Migration, development and human capital",
    "Remittances and diaspora engagement",
    "Policy coherence and data",
    "Partnerships for regular migration",
    "Protection and empowerment of migrants",
    "Climate, mobility and resilience",
]
ROLES = [role for role, _ in Involvement.Role.choices]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class Command(BaseCommand):
    help = (
        "Generate a large synthetic follow-up record for benchmarks (deterministic per "
        "--seed). Refuses a database with any actions, organisations, forums or users "
        "unless --force (then adds on top). Uses bulk_create, so the django-simple-history "
        "audit trail gets no entries for the generated actions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=100_000)
        parser.add_argument("--organisations", type=int, default=300)
        parser.add_argument("--focal-points", type=int, default=2000, dest="focal_points")
        parser.add_argument("--forums", type=int, default=FORUMS)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--password",
            default="",
            help="Password for every generated user (default: unusable; benchmarks use "
            "force_login or a session row).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run although the database holds data (the GFMD record, an earlier load "
            "run, real data): adds a new batch on top.",
        )

    def handle(self, *args, **options):
        if min(options["organisations"], options["focal_points"], options["forums"]) < 1:
            raise CommandError("--organisations, --focal-points and --forums must be ≥ 1.")
        if options["actions"] < 0:
            raise CommandError("--actions must be ≥ 0.")
        existing = self._existing_data()
        if existing and not options["force"]:
            raise CommandError(
                "Refusing to generate load data: the database already holds "
                f"{', '.join(existing)}. Use an empty database (e.g. `make bench` creates "
                "gfmd_bench), or pass --force to add synthetic data on top."
            )
        self.rng = random.Random(options["seed"])
        self.now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        self.today = self.now.date()
        self.timings = []
        started = time.perf_counter()
        with transaction.atomic():
            self._timed("organisations", self._make_organisations, options["organisations"])
            self._timed(
                "users and focal points",
                self._make_users,
                options["focal_points"],
                options["password"],
            )
            self._timed("forums, round tables, sessions", self._make_forums, options["forums"])
            self._timed("actions, partners, history", self._make_actions, options["actions"])
        self._timed("VACUUM ANALYZE", self._analyze)
        total = time.perf_counter() - started
        for label, seconds in self.timings:
            self.stdout.write(f"  {label:<34} {seconds:7.1f} s")
        self.stdout.write(
            f"Generated {len(self.organisations)} organisations, {len(self.forums)} forums, "
            f"{len(self.round_tables)} round tables, {len(self.sessions)} sessions, "
            f"{self.involvement_count} involvements, {len(self.focal_point_users)} focal point "
            f"users ({self.focal_point_count} focal point links), {self.action_count} actions, "
            f"{self.partner_count} partner links, {self.history_count} status changes "
            f"in {total:.1f} s (seed {options['seed']})."
        )

    def _timed(self, label, function, *args):
        started = time.perf_counter()
        function(*args)
        self.timings.append((label, time.perf_counter() - started))

    def _existing_data(self):
        User = get_user_model()
        found = []
        for label, model in (
            ("actions", FollowUpAction),
            ("organisations", Organisation),
            ("forums", Forum),
            ("users", User),
        ):
            count = model.objects.count()
            if count:
                found.append(f"{count} {label}")
        return found

    # --- numbering after what is there (for --force) --------------------------------------

    @staticmethod
    def _next_number(values, prefix):
        numbers = [int(v[len(prefix) :]) for v in values if v[len(prefix) :].isdigit()]
        return max(numbers, default=0) + 1

    # --- organisations ----------------------------------------------------------------

    def _make_organisations(self, count):
        rng = self.rng
        first = self._next_number(
            Organisation.objects.filter(acronym__startswith=ORG_PREFIX).values_list(
                "acronym", flat=True
            ),
            ORG_PREFIX,
        )
        organisations = []
        for number in range(first, first + count):
            kind = _weighted(rng, KIND_WEIGHTS)
            acronym = f"{ORG_PREFIX}{number:04d}"
            if kind == Organisation.Kind.GOVERNMENT:
                name = f"Government of Synthetia {number}"
            else:
                name = f"Synthetic {Organisation.Kind(kind).label} {number}"
            organisations.append(
                Organisation(
                    acronym=acronym,
                    name=name,
                    kind=kind,
                    is_gmg_member=kind == Organisation.Kind.UN_AGENCY and rng.random() < 0.6,
                )
            )
        self.organisations = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
        # Zipf-like popularity: organisation k (in a shuffled order) has weight 1/k.
        order = list(range(len(self.organisations)))
        rng.shuffle(order)
        self.org_weights = [0.0] * len(order)
        for rank, index in enumerate(order, start=1):
            self.org_weights[index] = 1.0 / rank
        self.org_cum_weights = list(itertools.accumulate(self.org_weights))
        self.governments = [
            o for o in self.organisations if o.kind == Organisation.Kind.GOVERNMENT
        ] or self.organisations

    def _popular_org_index(self):
        return self.rng.choices(range(len(self.organisations)), cum_weights=self.org_cum_weights)[0]

    # --- users --------------------------------------------------------------------------

    def _make_users(self, count, password):
        User = get_user_model()
        rng = self.rng
        # Hash once: hashing thousands of passwords would take minutes.
        password_hash = make_password(password or None)
        first = self._next_number(
            User.objects.filter(username__regex=rf"^{USER_PREFIX}[0-9]+$").values_list(
                "username", flat=True
            ),
            USER_PREFIX,
        )
        users = [
            User(
                username=f"{USER_PREFIX}{number:04d}",
                email=f"{USER_PREFIX}{number:04d}@{EMAIL_DOMAIN}",
                first_name="Focal",
                last_name=f"Point {number}",
                password=password_hash,
            )
            for number in range(first, first + count)
        ]
        self.focal_point_users = User.objects.bulk_create(users, batch_size=BATCH_SIZE)

        # Busy organisations get more focal points; each organisation gets at least one
        # while users last, and about one user in ten serves a second organisation.
        links = set()
        n_orgs = len(self.organisations)
        for position, user in enumerate(self.focal_point_users):
            index = position if position < n_orgs else self._popular_org_index()
            links.add((user.pk, index))
            if rng.random() < 0.1:
                links.add((user.pk, self._popular_org_index()))
        links = sorted(links)
        FocalPoint.objects.bulk_create(
            [
                FocalPoint(user_id=user_id, organisation=self.organisations[index])
                for user_id, index in links
            ],
            batch_size=BATCH_SIZE,
        )
        self.focal_point_count = len(links)
        self.users_by_org = {}
        for user_id, index in links:
            self.users_by_org.setdefault(index, []).append(user_id)
        self.user_ids = [user.pk for user in self.focal_point_users]

        group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        secretariat, created = User.objects.get_or_create(
            username=SECRETARIAT_USERNAME,
            defaults={
                "email": f"{SECRETARIAT_USERNAME}@{EMAIL_DOMAIN}",
                "first_name": "Bench",
                "last_name": "Secretariat",
                "password": password_hash,
            },
        )
        secretariat.groups.add(group)
        self.secretariat_id = secretariat.pk
        User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={
                "email": f"{ADMIN_USERNAME}@{EMAIL_DOMAIN}",
                "is_staff": True,
                "is_superuser": True,
                "password": password_hash,
            },
        )

    # --- forums -------------------------------------------------------------------------

    def _make_forums(self, count):
        rng = self.rng
        highest = Forum.objects.aggregate(highest=Max("number"))["highest"] or 0
        first = max(FIRST_FORUM_NUMBER, highest + 1)
        forums = []
        for offset in range(count):
            number = first + offset
            start = self.today - datetime.timedelta(days=365 * (count - offset) // 2 + 30)
            forums.append(
                Forum(
                    number=number,
                    short_name=f"{FORUM_PREFIX}{number}",
                    city=CITIES[(number + offset) % len(CITIES)],
                    host_government=rng.choice(self.governments),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=2),
                )
            )
        self.forums = Forum.objects.bulk_create(forums)
        steering = Forum.steering_group.through
        steering.objects.bulk_create(
            [
                steering(forum_id=forum.pk, organisation_id=org.pk)
                for forum in self.forums
                for org in rng.sample(self.organisations, min(6, len(self.organisations)))
            ]
        )
        self.round_tables = RoundTable.objects.bulk_create(
            [
                RoundTable(forum=forum, number=number, theme=rng.choice(THEMES))
                for forum in self.forums
                for number in range(1, ROUND_TABLES_PER_FORUM + 1)
            ]
        )
        sessions = []
        for rt in self.round_tables:
            forum_start = rt.forum.start_date
            for place in range(1, SESSIONS_PER_ROUND_TABLE + 1):
                starts = timezone.make_aware(
                    datetime.datetime.combine(forum_start, datetime.time(9 + 2 * place, 0))
                )
                sessions.append(
                    Session(
                        round_table=rt,
                        code=f"{rt.number}.{place}",
                        title=f"{rng.choice(TOPICS).capitalize()} in {rng.choice(REGIONS)}",
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(minutes=90),
                    )
                )
        self.sessions = Session.objects.bulk_create(sessions)
        self.sessions_by_rt = {}
        for session in self.sessions:
            self.sessions_by_rt.setdefault(session.round_table_id, []).append(session)
        self.rts_by_forum = {}
        for rt in self.round_tables:
            self.rts_by_forum.setdefault(rt.forum_id, []).append(rt)

        # Involvements for the matrix page: a handful of organisations per session.
        seen = set()
        involvements = []
        for session in self.sessions:
            forum_id = session.round_table.forum_id
            for _ in range(rng.randint(3, 8)):
                org = self.organisations[self._popular_org_index()]
                role = rng.choice(ROLES)
                if (session.pk, org.pk, role) in seen:
                    continue
                seen.add((session.pk, org.pk, role))
                involvements.append(
                    Involvement(forum_id=forum_id, session=session, organisation=org, role=role)
                )
        Involvement.objects.bulk_create(involvements, batch_size=BATCH_SIZE)
        self.involvement_count = len(involvements)

    # --- actions ------------------------------------------------------------------------

    def _make_actions(self, count):
        first = self._next_number(
            FollowUpAction.objects.filter(slug__regex=rf"^{SLUG_PREFIX}[0-9]+$").values_list(
                "slug", flat=True
            ),
            SLUG_PREFIX,
        )
        self.action_count = self.partner_count = self.history_count = 0
        for start in range(0, count, BATCH_SIZE):
            size = min(BATCH_SIZE, count - start)
            self._make_action_batch(first + start, size)

    def _make_action_batch(self, first_number, size):
        rng = self.rng
        actions, partner_sets, histories = [], [], []
        forum_weights = [1 + i for i in range(len(self.forums))]  # later forums: more actions
        for number in range(first_number, first_number + size):
            forum = rng.choices(self.forums, weights=forum_weights)[0]
            round_table = session = None
            if rng.random() < 0.9:
                round_table = rng.choice(self.rts_by_forum[forum.pk])
                if rng.random() < 0.75:
                    session = rng.choice(self.sessions_by_rt[round_table.pk])
            lead_index = self._popular_org_index() if rng.random() < 0.95 else None
            partner_indexes = set()
            for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
                partner_indexes.add(self._popular_org_index())
            partner_indexes.discard(lead_index)

            status = _weighted(rng, STATUS_WEIGHTS)
            final_progress = {
                S.PROPOSED: 0,
                S.PLANNED: rng.randint(0, 10),
                S.IN_PROGRESS: rng.randint(10, 90),
                S.COMPLETED: 100,
                S.ON_HOLD: rng.randint(0, 60),
                S.CANCELLED: rng.randint(0, 50),
            }[status]
            # Days since the last report: most within two months, a long tail to a year.
            days_quiet = min(365.0, rng.expovariate(1 / 55))
            last_reported_at = self.now - datetime.timedelta(
                days=days_quiet, seconds=rng.randint(0, 86399)
            )
            created_at = last_reported_at - datetime.timedelta(days=rng.uniform(0, 365))
            due_date = None
            if rng.random() < 0.9:
                due_date = self.today + datetime.timedelta(days=rng.randint(-365, 365))

            # History: 1-4 rows along the status's usual path; extra rows are confirmations.
            rows = rng.randint(1, 4)
            if rows == 1:  # created and never reported on since
                created_at = last_reported_at
            path = STATUS_PATHS[status]
            sequence = path[-rows:] if rows <= len(path) else path + [status] * (rows - len(path))
            span = (last_reported_at - created_at).total_seconds()
            offsets = sorted(rng.uniform(0, span) for _ in range(rows - 2)) if rows > 2 else []
            times = [created_at, *(created_at + datetime.timedelta(seconds=o) for o in offsets)]
            if rows > 1:
                times.append(last_reported_at)
            progresses = [
                final_progress if step == rows - 1 else (final_progress * step) // rows
                for step in range(rows)
            ]
            org_users = self.users_by_org.get(lead_index, self.user_ids)
            history = []
            status_changed_at = created_at
            for step in range(rows):
                old_status = sequence[step - 1] if step else ""
                old_progress = progresses[step - 1] if step else None
                if step and (old_status, old_progress) == (sequence[step], progresses[step]):
                    note = "No change since the last report."
                else:
                    note = "" if step == 0 else "Progress reported."
                    status_changed_at = times[step]
                who = rng.random()
                changed_by = (
                    rng.choice(org_users)
                    if who < 0.8
                    else self.secretariat_id
                    if who < 0.95
                    else None
                )
                history.append(
                    StatusChange(
                        changed_by_id=changed_by,
                        changed_at=times[step],
                        old_status=old_status,
                        new_status=sequence[step],
                        old_progress=old_progress,
                        progress=progresses[step],
                        note=note,
                    )
                )
            started_on = completed_on = None
            if status in (S.IN_PROGRESS, S.COMPLETED, S.ON_HOLD):
                started_on = created_at.date() + datetime.timedelta(days=rng.randint(0, 20))
                started_on = min(started_on, last_reported_at.date())
                if status == S.COMPLETED:
                    completed_on = max(started_on, status_changed_at.date())

            verb, topic, region = rng.choice(VERBS), rng.choice(TOPICS), rng.choice(REGIONS)
            rt_label = f" RT {round_table.number}" if round_table else ""
            actions.append(
                FollowUpAction(
                    slug=f"{SLUG_PREFIX}{number:06d}",
                    title=f"{verb} {topic} in {region} (#{number})",
                    description=(
                        f"Follow-up of {forum.short_name}{rt_label}: {verb.lower()} {topic} "
                        f"with partners in {region}, reporting to the Friends of the Forum."
                    ),
                    forum=forum,
                    round_table=round_table,
                    session=session,
                    lead=self.organisations[lead_index] if lead_index is not None else None,
                    status=status,
                    progress=final_progress,
                    due_date=due_date,
                    started_on=started_on,
                    completed_on=completed_on,
                    source_reference=f"Synthetic load data, seed document {rng.randint(1, 999)}",
                    created_at=created_at,
                    status_changed_at=status_changed_at,
                    last_reported_at=last_reported_at,
                    version=rows,
                )
            )
            partner_sets.append(sorted(partner_indexes))
            histories.append(history)

        actions = FollowUpAction.objects.bulk_create(actions)
        through = FollowUpAction.partners.through
        partner_rows = [
            through(followupaction_id=action.pk, organisation_id=self.organisations[index].pk)
            for action, indexes in zip(actions, partner_sets, strict=True)
            for index in indexes
        ]
        through.objects.bulk_create(partner_rows, batch_size=BATCH_SIZE)
        history_rows = []
        for action, history in zip(actions, histories, strict=True):
            for row in history:
                row.action_id = action.pk
                history_rows.append(row)
        StatusChange.objects.bulk_create(history_rows, batch_size=BATCH_SIZE)
        self.action_count += len(actions)
        self.partner_count += len(partner_rows)
        self.history_count += len(history_rows)

    def _analyze(self):
        if connection.vendor != "postgresql":
            return
        User = get_user_model()
        models = [
            Organisation,
            FocalPoint,
            User,
            Forum,
            RoundTable,
            Session,
            Involvement,
            FollowUpAction,
            FollowUpAction.partners.through,
            ActionParticipant,  # filled by triggers as the actions and partners went in
            StatusChange,
        ]
        with connection.cursor() as cursor:
            for model in models:
                # VACUUM too: it sets the visibility map, as autovacuum soon would on a live
                # database, so index-only scans (deep pages, counts) skip the table. It
                # cannot run inside a transaction (as under the tests): then ANALYZE alone.
                table = connection.ops.quote_name(model._meta.db_table)
                vacuum = "" if connection.in_atomic_block else "VACUUM "
                cursor.execute(f"{vacuum}ANALYZE {table}")
