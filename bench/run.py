"""The portal's benchmark: one table of timings and query counts, all measured in one run.

    make bench                                        # 100,000 actions, the full run
    make bench BENCH_ACTIONS=2000 BENCH_REQUESTS=5 BENCH_WRK_SECONDS=3   # the quick run

or by hand, against a database that holds only generate_load_data's rows:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gfmd_bench .venv/bin/python bench/run.py \\
        --prepare --actions 100000

--prepare drops and creates that database, migrates it and runs generate_load_data.
Without it the database must already hold the generated data (bench-admin, LOAD forums):
the script refuses anything else, since it writes sessions and digest deliveries.

Settings are production-like: DEBUG off, collected static files (WhiteNoise manifest),
no SSL redirect. Pages are requested in-process with django.test.Client (force_login),
timed with time.perf_counter and counted with CaptureQueriesContext. The CSV export runs in
a child process so its peak RSS is its own. The HTTP row runs gunicorn (2 workers) and wrk.

Exits non-zero only on errors (a page not answering 200, a wrong export, wrk seeing
non-2xx answers or socket errors other than timeouts), never on slow figures.
"""

import argparse
import importlib
import json
import math
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import bulk, round_trip  # noqa: E402  (beside this file, once the path is set)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gfmd_bench"
SEARCH_WORD = "remittance"  # generate_load_data puts it in about one title in eighteen
# Two words, in the other order than titles have them ("... remittance costs in the Gulf"):
# every word must match, in any order. The admin's search also ANDs its words.
SEARCH_WORDS = "gulf remittance"
PAGE_SIZE = 25  # actions.views.PAGE_SIZE
ADMIN_PAGE_SIZE = 100  # ModelAdmin.list_per_page
DEEP_PAGE = 1000


def bench_environment(static_root):
    """Production-like settings for this process, its children and gunicorn."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gfmd_portal.settings",
            "BENCH_TOOLS": "true",  # installs bench/ for generate_load_data
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(static_root),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": "http://127.0.0.1",
        }
    )
    return env


def user_backend():
    """The authentication backend that reads the signed-in user (the last one listed; the
    first only counts failed sign-ins), for sessions made without signing in."""
    from django.conf import settings

    return settings.AUTHENTICATION_BACKENDS[-1]


def run(command, env, **kwargs):
    print("$", " ".join(command), file=sys.stderr, flush=True)
    return subprocess.run(command, env=env, check=True, cwd=BASE_DIR, **kwargs)


def manage(env, *args, **kwargs):
    return run([sys.executable, "manage.py", *args], env, **kwargs)


def prepare(env, actions, organisations, focal_points, seed):
    """A fresh database with generated data only."""
    import psycopg2

    url = urlsplit(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or url.scheme not in ("postgres", "postgresql"):
        sys.exit(f"bench: --prepare needs a PostgreSQL DATABASE_URL with a plain name, not {url}")
    maintenance = url._replace(path="/postgres").geturl()
    print(f"bench: recreating database {name}", file=sys.stderr, flush=True)
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    manage(env, "migrate", "--noinput", "-v", "0")
    started = time.perf_counter()
    manage(
        env,
        "generate_load_data",
        "--actions",
        str(actions),
        "--organisations",
        str(organisations),
        "--focal-points",
        str(focal_points),
        "--seed",
        str(seed),
    )
    return time.perf_counter() - started


# --- measuring ---------------------------------------------------------------------------


class Errors(list):
    def add(self, message):
        print(f"bench: ERROR {message}", file=sys.stderr, flush=True)
        self.append(message)


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[index]


def measure_page(client, url, requests, warmup, errors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], []
    for attempt in range(warmup + requests):
        # The log is a bounded deque: once full, CaptureQueriesContext would count 0.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            errors.add(f"{url} answered {response.status_code}")
            return None
        if attempt >= warmup:
            times.append(elapsed * 1000)
            queries.append(len(captured))
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": max(queries),
        "queries_min": min(queries),
    }


def export_child(url):
    """Run in a child process: stream the whole export, report rows, time and peak RSS."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(
        get_user_model().objects.get(username="bench-secretariat"),
        backend=user_backend(),
    )
    # Warm up on a tiny export, so imports and caches do not count as the export's memory.
    b"".join(client.get(url + "?q=zzzz-nothing").streaming_content)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(url)
    lines = size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": response.status_code,
                "rows": lines - 1,
                "bytes": size,
                "seconds": elapsed,
                "peak_mb": peak_kb / 1024,
                "growth_mb": (peak_kb - baseline_kb) / 1024,
            }
        )
    )


def measure_export(env, errors, expected_rows):
    completed = run(
        [sys.executable, __file__, "--export-child", "/actions/export.csv"],
        env,
        capture_output=True,
        text=True,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["status"] != 200:
        errors.add(f"export answered {result['status']}")
    elif result["rows"] != expected_rows:
        errors.add(f"export gave {result['rows']} rows, the database holds {expected_rows}")
    return result


def measure_digests(limit, errors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from digests import content, services
    from digests.models import DigestDelivery

    week = content.current_week()
    # Only the bench database gets here (see check_bench_database): start the week afresh.
    DigestDelivery.objects.filter(week=week).delete()
    results = {"focal_point": [], "secretariat": []}
    outcomes = {}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        from django.core import mail

        mail.outbox = []
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as planning:
            delivery_ids = services.digest_plan_week(week=week)
        plan_seconds = time.perf_counter() - started
        kinds = dict(DigestDelivery.objects.filter(pk__in=delivery_ids).values_list("pk", "kind"))
        focal = [pk for pk in delivery_ids if kinds[pk] == "focal_point"]
        secretariat = [pk for pk in delivery_ids if kinds[pk] == "secretariat"]
        chosen = (focal[:limit] if limit else focal) + secretariat
        # As send_digests does: one builder for the run, so organisations are read once.
        builder = content.DigestBuilder(week, whole_run=True)
        for delivery_id in chosen:
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                outcome = services.digest_deliver(delivery_id=delivery_id, builder=builder)
                elapsed = time.perf_counter() - started
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            results[kinds[delivery_id]].append((elapsed, len(captured), outcome))
        sent = len(mail.outbox)
    if outcomes.get("skipped"):
        errors.add(f"{outcomes['skipped']} digests were skipped (claimed elsewhere?)")
    return {
        "plan_seconds": plan_seconds,
        "plan_queries": len(planning),
        "results": results,
        "outcomes": outcomes,
        "sent": sent,
    }


# --- the production digest path ----------------------------------------------------------

# Spare weeks nothing else plans, and a Redis database of the bench's own.
PRODUCTION_WEEK = "2031-W05"
BATCH_QUERIES_WEEK = "2031-W06"
PRODUCTION_BROKER = "redis://127.0.0.1:6379/13"
FINISHED = ("sent", "empty", "unsubscribed", "failed")


class _CountingSMTP:
    """A local SMTP server's handler that accepts every message and counts them."""

    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 Message accepted"


def _batch_queries(errors):
    """Queries per digest on the production path: the first batch of a spare week, sent in
    this process through the same task the worker runs (mail to locmem)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from digests import services, tasks
    from digests.models import DigestDelivery

    DigestDelivery.objects.filter(week=BATCH_QUERIES_WEEK).delete()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        batch = tasks.batches_by_organisation(services.digest_plan_week(week=BATCH_QUERIES_WEEK))[0]
        with CaptureQueriesContext(connection) as captured:
            tasks.send_digest_batch.apply(args=(BATCH_QUERIES_WEEK, batch))
    DigestDelivery.objects.filter(week=BATCH_QUERIES_WEEK).delete()
    return len(captured), len(batch)


def measure_production_digests(env, errors, timeout=900):
    """What Monday runs: beat's task on the Redis broker, a real worker (-c 2) claiming and
    sending every digest to a local SMTP server; digests per second from the task's enqueue
    to the last delivery finished."""
    import redis
    from aiosmtpd.controller import Controller
    from celery import Celery
    from django.db.models import Count

    from digests.models import DigestDelivery

    broker = redis.Redis.from_url(PRODUCTION_BROKER, socket_connect_timeout=2)
    try:
        broker.ping()
    except redis.RedisError as error:
        return {"skipped": f"Redis not reachable at {PRODUCTION_BROKER}: {error}"}
    broker.flushdb()
    queries, batch_size = _batch_queries(errors)
    DigestDelivery.objects.filter(week=PRODUCTION_WEEK).delete()
    handler = _CountingSMTP()
    smtp_port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    worker_env = {key: value for key, value in env.items() if key != "EMAIL_BACKEND"}
    worker_env.update(
        {"CELERY_BROKER_URL": PRODUCTION_BROKER, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    )
    log = Path(tempfile.mkdtemp(prefix="gfmd-bench-worker-")) / "worker.log"
    command = [
        str(Path(sys.executable).with_name("celery")),
        *("-A", "gfmd_portal", "worker", "--concurrency", "2", "-l", "INFO"),
        *("--without-heartbeat", "--without-gossip", "--without-mingle", "-n", "bench@%h"),
    ]
    with open(log, "w") as output:
        worker = subprocess.Popen(
            command, cwd=BASE_DIR, env=worker_env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                errors.add("the Celery worker did not start: " + log.read_text()[-500:])
                return {"skipped": "the worker did not start"}
            time.sleep(0.2)
        producer = Celery("bench-producer", broker=PRODUCTION_BROKER)
        started = time.perf_counter()
        with producer.connection_for_write(PRODUCTION_BROKER) as connection:
            producer.send_task(
                "actions.tasks.send_weekly_digests",
                kwargs={"week": PRODUCTION_WEEK},
                connection=connection,
            )
        producer.close()
        deliveries = DigestDelivery.objects.filter(week=PRODUCTION_WEEK)
        deadline = time.monotonic() + timeout
        while True:
            total = deliveries.count()
            done = deliveries.filter(status__in=FINISHED).count()
            if total and done == total:
                break
            if time.monotonic() > deadline:
                errors.add(f"production digests: {done} of {total} finished in {timeout} s")
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - started
        counts = dict(deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        smtp.stop()
        broker.flushdb()
    sent = counts.get("sent", 0)
    if handler.messages != sent:
        errors.add(f"production digests: {handler.messages} mails for {sent} sent deliveries")
    if counts.get("failed"):
        errors.add(f"production digests: {counts['failed']} failed")
    DigestDelivery.objects.filter(week=PRODUCTION_WEEK).delete()
    return {
        "seconds": seconds,
        "total": sum(counts.values()),
        "counts": counts,
        "mails": handler.messages,
        "batch_queries": queries,
        "batch_size": batch_size,
    }


# --- gunicorn and wrk --------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie_for(username):
    """A logged-in session row, as the login view would leave it."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from gfmd_portal.middleware import RENEWED_KEY

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = user_backend()
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[RENEWED_KEY] = int(time.time())
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def measure_wrk(env, path, seconds, errors):
    wrk = shutil.which("wrk")
    if not wrk:
        return {"skipped": "wrk not installed (apt-get install -y wrk)"}
    cookie = session_cookie_for("bench-secretariat")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gfmd_portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=BASE_DIR,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        else:
            errors.add("gunicorn did not answer /healthz")
            return {"skipped": "gunicorn did not start"}
        # wrk counts redirects as success: make sure the cookie really signs us in.
        request = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            status = opener.open(request, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            errors.add(f"gunicorn answered {path} with {status} for the session cookie")
            return {"skipped": f"session check answered {status}"}
        completed = subprocess.run(
            [
                wrk,
                "-t2",
                "-c20",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-H",
                f"Cookie: {cookie}",
                f"{base}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    output = completed.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    non_2xx = int(non_2xx.group(1)) if non_2xx else 0
    socket_errors = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    found = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if found:
        socket_errors = dict(zip(socket_errors, map(int, found.groups()), strict=True))
    latency = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", output)
    if non_2xx or socket_errors["connect"] or socket_errors["read"] or socket_errors["write"]:
        errors.add(f"wrk: {non_2xx} non-2xx answers, socket errors {socket_errors}")
    return {
        "rps": rps,
        "requests": total,
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
        "latency_avg": latency.group(1) if latency else "?",
        "seconds": seconds,
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- the machine --------------------------------------------------------------------------


def machine():
    from django.db import connection

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django

    return (
        f"{cpu}, {os.cpu_count()} cores, {ram} RAM; PostgreSQL {postgres}; "
        f"Python {platform.python_version()}, Django {django.get_version()}"
    )


def _git(*args):
    return subprocess.run(
        ["git", *args], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout


def code_version():
    """The commit measured, and whether the working tree differed from it."""
    try:
        commit = _git("rev-parse", "--short", "HEAD").strip()
        changed = _git("status", "--porcelain", "--untracked-files=no").splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return commit + (f" + uncommitted changes in {len(changed)} files" if changed else "")


def check_bench_database():
    from django.contrib.auth import get_user_model
    from django.db import connection

    from roundtables.models import Forum

    if connection.vendor != "postgresql":
        sys.exit("bench: DATABASE_URL must point at PostgreSQL")
    generated = Forum.objects.filter(short_name__startswith="LOAD GFMD ").exists()
    foreign = Forum.objects.exclude(short_name__startswith="LOAD GFMD ").exists()
    if not generated or foreign or not get_user_model().objects.filter(username="bench-admin"):
        sys.exit(
            "bench: this database does not hold generate_load_data's rows only; "
            "run with --prepare (or `make bench`), which recreates the bench database"
        )


# --- the table -----------------------------------------------------------------------------


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def throughput_row(label, result):
    """A table row with no latencies: what was measured, then the figures in words."""
    return [label, *[""] * 7, result]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="Recreate and fill the database.")
    parser.add_argument(
        "--actions", type=int, default=int(os.environ.get("BENCH_ACTIONS", 100_000))
    )
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--focal-points", type=int, default=2000, dest="focal_points")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 20)))
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--wrk-seconds", type=int, default=int(os.environ.get("BENCH_WRK_SECONDS", 30))
    )
    parser.add_argument(
        "--digests",
        type=int,
        default=int(os.environ.get("BENCH_DIGESTS", 0)),
        help="Focal point digests to send (default 0: all).",
    )
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export_child:
        export_child(args.export_child)
        return 0

    static_root = Path(tempfile.mkdtemp(prefix="gfmd-bench-static-"))
    env = bench_environment(static_root)
    os.environ.update(env)
    wall_started = time.perf_counter()
    generate_seconds = None
    if args.prepare:
        generate_seconds = prepare(
            env, args.actions, args.organisations, args.focal_points, args.seed
        )
    manage(env, "collectstatic", "--noinput", "-v", "0")

    # Start as a gunicorn worker does: load the WSGI application (django.setup() and what
    # the portal's wsgi.py does after it), so in-process timings are a worker's.
    importlib.import_module("gfmd_portal.wsgi")
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from actions.models import ActionParticipant, ActionsOfOrganisations, FollowUpAction
    from agencies.models import FocalPoint, Organisation

    check_bench_database()
    errors = Errors()
    User = get_user_model()
    action_count = FollowUpAction.objects.count()
    busiest = (
        Organisation.objects.annotate(n=Count("led_actions")).order_by("-n", "acronym").first()
    )
    busiest_user = (
        FocalPoint.objects.filter(organisation=busiest).order_by("user__username").first().user
    )
    # Either side of ActionsOfOrganisations.FEW: the most actions still read as ids, and the
    # fewest read by walking the sort index (the walk's worst case: the longest walk).
    sizes = (
        ActionParticipant.objects.values("organisation__acronym")
        .annotate(n=Count("action", distinct=True))
        .order_by("n", "organisation__acronym")
    )
    boundary = []
    few = [row for row in sizes if row["n"] <= ActionsOfOrganisations.FEW]
    many = [row for row in sizes if row["n"] > ActionsOfOrganisations.FEW]
    for row, how in ((few[-1:], "ids"), (many[:1], "walk")):
        if row and row[0]["organisation__acronym"] != busiest.acronym:
            acronym, n = row[0]["organisation__acronym"], row[0]["n"]
            boundary.append((acronym, n, how, Organisation.objects.get(acronym=acronym).pk))
    last_page = max(1, math.ceil(action_count / PAGE_SIZE))
    deep_page = min(DEEP_PAGE, last_page)
    admin_deep_page = max(1, math.ceil((deep_page - 1) * PAGE_SIZE / ADMIN_PAGE_SIZE))
    today = timezone.localdate().isoformat()
    open_statuses = ",".join(
        s for s in FollowUpAction.Status.values if s not in FollowUpAction.CLOSED_STATUSES
    )

    backend = user_backend()
    ours = Client()
    ours.force_login(User.objects.get(username="bench-secretariat"), backend=backend)
    focal = Client()
    focal.force_login(busiest_user, backend=backend)
    admin = Client()
    admin.force_login(User.objects.get(username="bench-admin"), backend=backend)
    admin_list = "/admin/actions/followupaction/"
    # The same secretariat officer reading in French (the browser asks for it): translation
    # must not cost the lists their speed (issue "English, French and Spanish").
    ours_fr = Client(HTTP_ACCEPT_LANGUAGE="fr")
    ours_fr.force_login(User.objects.get(username="bench-secretariat"), backend=backend)
    focal_fr = Client(HTTP_ACCEPT_LANGUAGE="fr")
    focal_fr.force_login(busiest_user, backend=backend)

    # (label, client, our url, admin url or None)
    pages = [
        ("/actions/ unfiltered", ours, "/actions/", admin_list),
        (
            "/actions/?status=in_progress",
            ours,
            "/actions/?status=in_progress",
            f"{admin_list}?status__exact=in_progress",
        ),
        (
            f"/actions/?agency={busiest.acronym} (admin: lead)",
            ours,
            f"/actions/?agency={busiest.acronym}",
            f"{admin_list}?lead__id__exact={busiest.pk}",
        ),
        *(
            (
                f"/actions/?agency={acronym} ({n:,} actions, as {how}; admin: lead)",
                ours,
                f"/actions/?agency={acronym}",
                f"{admin_list}?lead__id__exact={pk}",
            )
            for acronym, n, how, pk in boundary
        ),
        (
            f"/actions/?lead={busiest.acronym}",
            ours,
            f"/actions/?lead={busiest.acronym}",
            f"{admin_list}?lead__id__exact={busiest.pk}",
        ),
        *(
            (
                f"/actions/?lead={acronym} (lead or partner in {n:,})",
                ours,
                f"/actions/?lead={acronym}",
                f"{admin_list}?lead__id__exact={pk}",
            )
            for acronym, n, how, pk in boundary[:1]
        ),
        (
            "/actions/?overdue=true",
            ours,
            "/actions/?overdue=true",
            f"{admin_list}?due_date__lt={today}&status__in={open_statuses}",
        ),
        (
            f"/actions/?q={SEARCH_WORD}",
            ours,
            f"/actions/?q={SEARCH_WORD}",
            f"{admin_list}?q={SEARCH_WORD}",
        ),
        (
            f"/actions/?q={SEARCH_WORDS}",
            ours,
            f"/actions/?q={quote_plus(SEARCH_WORDS)}",
            f"{admin_list}?q={quote_plus(SEARCH_WORDS)}",
        ),
        (
            f"/actions/?page={deep_page} (admin: same offset)",
            ours,
            f"/actions/?page={deep_page}",
            f"{admin_list}?p={admin_deep_page}",
        ),
        (f"/my/ ({busiest_user.username}, {busiest.acronym})", focal, "/my/", None),
        ("/ dashboard", ours, "/", None),
        ("/matrix/", ours, "/matrix/", None),
    ]
    # The lists again, in French, against the same admin (in English: it is not translated
    # by the portal, and Django's own French admin would be the same work).
    pages += [
        (f"{label} · fr", ours_fr, url, admin_url)
        for label, client, url, admin_url in pages
        if client is ours and url.startswith("/actions/")
    ]
    pages += [
        (f"/my/ ({busiest_user.username}, {busiest.acronym}) · fr", focal_fr, "/my/", None),
        ("/ dashboard · fr", ours_fr, "/", None),
    ]
    rows = []
    for label, client, url, admin_url in pages:
        print(f"bench: {label}", file=sys.stderr, flush=True)
        mine = measure_page(client, url, args.requests, args.warmup, errors)
        if client in (ours_fr, focal_fr) and '<html lang="fr">' not in client.get(url).text:
            errors.add(f"{label}: the page is not in French")
        theirs = (
            measure_page(admin, admin_url, args.requests, args.warmup, errors)
            if admin_url
            else None
        )
        ratio = None
        if mine and theirs:
            ratio = f"{mine['p95'] / theirs['p95']:.2f}"
        rows.append(
            [
                label,
                fmt(mine and mine["p50"]),
                fmt(mine and mine["p95"]),
                fmt(mine and mine["queries"], 0),
                fmt(theirs and theirs["p50"]),
                fmt(theirs and theirs["p95"]),
                fmt(theirs and theirs["queries"], 0),
                ratio or "–",
                "",
            ]
        )

    print("bench: CSV export", file=sys.stderr, flush=True)
    export = measure_export(env, errors, action_count)
    rows.append(
        throughput_row(
            "/actions/export.csv (all rows)",
            f"{export['rows']:,} rows in {export['seconds']:.1f} s = "
            f"**{export['rows'] / export['seconds']:,.0f} rows/s**; peak RSS "
            f"**{export['peak_mb']:.0f} MB** (+{export['growth_mb']:.0f} MB while streaming), "
            f"{export['bytes'] / 1e6:.1f} MB of CSV",
        )
    )

    print("bench: XLSX export", file=sys.stderr, flush=True)
    xlsx = round_trip.measure_xlsx_export(env, errors, action_count)
    rows.append(
        throughput_row(
            "/actions/export.xlsx (all rows)",
            f"{xlsx['rows']:,} rows in {xlsx['seconds']:.1f} s = "
            f"**{xlsx['rows_per_second']:,.0f} rows/s**; peak RSS **{xlsx['peak_mb']:.0f} MB** "
            f"(+{xlsx['growth_mb']:.0f} MB while writing), {xlsx['bytes'] / 1e6:.1f} MB of XLSX; "
            f"openpyxl alone writes the same cells at "
            f"{xlsx['openpyxl_rows_per_second']:,.0f} rows/s here",
        )
    )

    print("bench: digests", file=sys.stderr, flush=True)
    digest = measure_digests(args.digests, errors)
    for kind, label in (("focal_point", "focal point"), ("secretariat", "secretariat")):
        results = digest["results"][kind]
        if not results:
            continue
        seconds = sum(r[0] for r in results)
        queries = [r[1] for r in results]
        sent = sum(1 for r in results if r[2] == "sent")
        rows.append(
            [
                f"weekly digest, {label} (locmem mail)",
                fmt(statistics.median(r[0] * 1000 for r in results)),
                fmt(percentile([r[0] * 1000 for r in results], 0.95)),
                f"{min(queries)}–{max(queries)}"
                if min(queries) != max(queries)
                else str(queries[0]),
                "",
                "",
                "",
                "",
                f"{len(results):,} digests ({sent:,} sent) in {seconds:.1f} s = "
                f"**{len(results) / seconds:,.1f} digests/s**",
            ]
        )
    rows[-1][-1] += (
        f"; planning the week: {digest['plan_seconds'] * 1000:.0f} ms, "
        f"{digest['plan_queries']} queries"
    )

    print(
        "bench: digests through beat's task, Redis and a real worker", file=sys.stderr, flush=True
    )
    production = measure_production_digests(env, errors)
    if "skipped" in production:
        result = production["skipped"]
    else:
        total, seconds = production["total"], production["seconds"]
        by_status = ", ".join(
            f"{n:,} {status}" for status, n in sorted(production["counts"].items())
        )
        queries, size = production["batch_queries"], production["batch_size"]
        result = (
            f"{total:,} digests planned and finished in {seconds:.1f} s = "
            f"**{total / seconds:,.1f} digests/s** end to end ({by_status}; "
            f"{production['mails']:,} mails received); a batch of {size} ran {queries} "
            f"queries = {queries / size:.1f} a digest"
        )
    rows.append(
        throughput_row(
            "weekly digests, beat's task + Redis + celery worker -c 2 + SMTP",
            result,
        )
    )

    # These two write (a confirmation, a progress change), so they come after the reads.
    print("bench: bulk update of 100 actions", file=sys.stderr, flush=True)
    rows.append(
        throughput_row(
            "bulk update of 100 actions (/actions/bulk/, one note for all)",
            bulk.describe(bulk.measure_bulk_update(ours, errors=errors)),
        )
    )
    print("bench: spreadsheet import of 1,000 rows", file=sys.stderr, flush=True)
    imported = round_trip.measure_import(errors, rows=1000)
    apply_seconds = imported["apply_seconds"]
    rows.append(
        throughput_row(
            f"spreadsheet import of {imported['rows']:,} changed rows (XLSX)",
            f"upload and preview **{imported['preview_seconds']:.1f} s**, apply "
            + (f"**{apply_seconds:.1f} s**" if apply_seconds is not None else "failed")
            + f" ({imported.get('applied')} applied, each in its own transaction)",
        )
    )

    print("bench: gunicorn + wrk", file=sys.stderr, flush=True)
    wrk_path = "/actions/?status=in_progress"
    wrk = measure_wrk(env, wrk_path, args.wrk_seconds, errors)
    if "skipped" in wrk:
        result = wrk["skipped"]
    else:
        socket_errors = sum(wrk["socket_errors"].values())
        result = (
            f"**{wrk['rps']:,.1f} requests/s**, {wrk['requests']:,} requests in "
            f"{wrk['seconds']} s, mean latency {wrk['latency_avg']}, errors: "
            f"**{wrk['non_2xx'] + socket_errors}** ({wrk['non_2xx']} non-2xx, socket "
            + ", ".join(f"{k} {v}" for k, v in wrk["socket_errors"].items())
            + ")"
        )
    rows.append(
        throughput_row(
            f"gunicorn 2 workers + wrk -t2 -c20 at {wrk_path}",
            result,
        )
    )

    header = [
        "Measurement",
        "p50 ms",
        "p95 ms",
        "queries",
        "admin p50 ms",
        "admin p95 ms",
        "admin queries",
        "ours/admin p95",
        "throughput and notes",
    ]
    print()
    print(f"**Machine:** {machine()}")
    print(f"**Code:** {code_version()}")
    print(
        f"**Data:** {action_count:,} actions, {Organisation.objects.count():,} organisations, "
        f"{User.objects.count():,} users (generate_load_data --seed {args.seed}"
        + (f", generated in {generate_seconds:.0f} s" if generate_seconds else "")
        + f"); {args.requests} timed requests per page after {args.warmup} warm-up; "
        f"page queries = the most in one request; run took "
        f"{time.perf_counter() - wall_started:.0f} s"
    )
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "--:" for i in range(len(header) - 1)) + "|---|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()
    shutil.rmtree(static_root, ignore_errors=True)
    if errors:
        print(f"bench: {len(errors)} error(s):", *errors, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
