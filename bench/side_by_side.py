"""Two versions of the portal measured alternately, on the same data and machine.

    git worktree add /tmp/before <commit>
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gfmd_bench \\
        .venv/bin/python bench/side_by_side.py /tmp/before . --rounds 2

Figures drift over minutes on a shared machine, so comparing tables from different runs
can mislead; this runs each checkout in turn, `--rounds` times, and prints a line per run:
p50/p95 ms of six pages (20 requests after 2 warm-up) and of the admin's change list, the
CSV export of every row in rows/s, and the first 600 focal point digests of a spare week in
digests/s (claimed, built and sent to the locmem backend, then deleted). The database must
hold generate_load_data's rows (`make bench` leaves them in gfmd_bench).
"""

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGES = [
    ("unfiltered", "bench-secretariat", "/actions/"),
    ("agency busiest", "bench-secretariat", "/actions/?agency=LOAD-0007"),
    ("my busiest", "fp0007", "/my/"),
    ("page 1000", "bench-secretariat", "/actions/?page=1000"),
    ("text search", "bench-secretariat", "/actions/?q=remittance"),
    ("dashboard", "bench-secretariat", "/"),
    ("admin unfiltered", "bench-admin", "/admin/actions/followupaction/"),
]
SPARE_WEEK = "2031-W02"
DIGESTS = 600


def measure():
    """In a child whose working directory is the checkout to measure."""
    from run import Errors, measure_page, user_backend  # bench/run.py, beside this file

    # After that import, which puts its own checkout first: the measured one goes before it.
    sys.path.insert(0, os.getcwd())
    # Each checkout starts as its gunicorn worker would: by loading its WSGI application.
    importlib.import_module("gfmd_portal.wsgi")
    from django.contrib.auth import get_user_model
    from django.test import Client

    if Path("digests").is_dir():  # the measured checkout has the digests app
        from digests import content, services
        from digests.models import DigestDelivery
    else:  # a checkout from before the digests had their own app
        from actions import digests as content
        from actions import services
        from actions.models import DigestDelivery

    users = get_user_model().objects
    figures, errors = [], Errors()
    for label, username, url in PAGES:
        client = Client()
        client.force_login(users.get(username=username), backend=user_backend())
        timed = measure_page(client, url, requests=20, warmup=2, errors=errors)
        if timed is None:
            sys.exit(f"{url}: {errors[-1]}")
        figures.append(f"{label} {timed['p50']:.0f}/{timed['p95']:.0f}")

    client = Client()
    client.force_login(
        users.get(username="bench-secretariat"),
        backend=user_backend(),
    )
    started = time.perf_counter()
    response = client.get("/actions/export.csv")
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
    figures.append(f"export {rows / (time.perf_counter() - started):,.0f} rows/s")

    DigestDelivery.objects.filter(week=SPARE_WEEK).delete()
    planned = services.digest_plan_week(week=SPARE_WEEK)
    kinds = dict(DigestDelivery.objects.filter(pk__in=planned).values_list("pk", "kind"))
    focal = [pk for pk in planned if kinds[pk] == DigestDelivery.Kind.FOCAL_POINT][:DIGESTS]
    builder = content.DigestBuilder(SPARE_WEEK, whole_run=True)
    started = time.perf_counter()
    for delivery_id in focal:
        services.digest_deliver(delivery_id=delivery_id, builder=builder)
    figures.append(f"digests {len(focal) / (time.perf_counter() - started):.1f}/s")
    DigestDelivery.objects.filter(week=SPARE_WEEK).delete()
    print(" | ".join(figures))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="*", type=lambda path: Path(path).resolve())
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure()
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gfmd_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": "http://127.0.0.1",
    }
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gfmd_bench")
    # Pages render with DEBUG off: each checkout gets its own collected static files.
    static_roots = {}
    for checkout in args.checkouts:
        static_roots[checkout] = tempfile.mkdtemp(prefix="gfmd-side-by-side-")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=checkout,
            env={**env, "STATIC_ROOT": static_roots[checkout]},
            check=True,
        )
    for _ in range(args.rounds):
        for checkout in args.checkouts:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=checkout,
                capture_output=True,
                text=True,
            ).stdout.strip()
            completed = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--measure"],
                cwd=checkout,
                env={**env, "STATIC_ROOT": static_roots[checkout]},
                capture_output=True,
                text=True,
            )
            if completed.returncode:
                sys.exit(f"{checkout}: {completed.stderr.strip()[-2000:]}")
            print(f"{commit or checkout}: {completed.stdout.strip().splitlines()[-1]}", flush=True)


if __name__ == "__main__":
    main()
