"""What docker-compose.yml starts, started for real without Docker: gunicorn with production
settings, a Celery worker and beat on Redis. Each on a temporary SQLite database; the
processes are this checkout's `.venv/bin` programs, run from the project folder as in the image.
"""

import contextlib
import http.client
import os
import re
import secrets
import shelve
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import yaml
from celery import Celery

from tests.conftest import missing_service

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"
BROKER_URL = "redis://127.0.0.1:6379/13"
WEEK = "2026-W48"


def compose_service(name):
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"][name]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers():
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        return client.ping()
    except redis.RedisError:
        return False
    finally:
        client.close()


def portal_env(database, **overrides):
    """The environment of a portal process: the real settings module (not the tests'), this
    database, nothing inherited that would point it elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_", "SECURE_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="gfmd_portal.settings",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=f"sqlite:///{database}",
        CELERY_BROKER_URL="",
        EMAIL_URL="",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


def manage(env, *args, timeout=60):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {shlex.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


class Process:
    """A child process whose output goes to a log file; always stopped in teardown."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.log_path = log_path
        self._log_file = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.popen = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's workers go with it
        )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition, what, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.popen.poll() is not None:
                pytest.fail(f"{self.name} exited ({self.popen.returncode}):\n{self.log()}")
            time.sleep(0.1)
        pytest.fail(f"{self.name}: no {what} after {timeout} s:\n{self.log()}")

    def wait_for_log(self, pattern, timeout=20):
        self.wait_for(lambda: re.search(pattern, self.log()), repr(pattern), timeout)

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        # Anything left of its group (a gunicorn worker, a celery child).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self._log_file.close()
        # Shown by pytest only when the test failed.
        print(f"----- {self.name} (exit {self.popen.returncode}) -----\n{self.log()}")


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """One migrated SQLite database; each test works on its own copy."""
    path = tmp_path_factory.mktemp("template") / "db.sqlite3"
    manage(portal_env(path, DEBUG="true"), "migrate", "--noinput", "-v", "0")
    return path


@pytest.fixture
def database(migrated_database, tmp_path):
    path = tmp_path / "db.sqlite3"
    shutil.copy(migrated_database, path)
    return path


@pytest.fixture
def broker():
    if not redis_answers():
        missing_service(f"Redis is not reachable at {BROKER_URL}")
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


# --- gunicorn -----------------------------------------------------------------------------


class Site:
    def __init__(self, port):
        self.port = port

    def get(self, path, https=True, **headers):
        """One request, no redirects followed; as a TLS proxy in front would send it."""
        headers.setdefault("Host", "localhost")
        if https:
            headers["X-Forwarded-Proto"] = "https"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", errors="replace")
            return response
        finally:
            connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, migrated_database):
    """The web service's command with production settings, behind a pretend TLS proxy."""
    tmp = tmp_path_factory.mktemp("web")
    shutil.copy(migrated_database, tmp / "db.sqlite3")
    env = portal_env(
        tmp / "db.sqlite3",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(tmp / "static"),
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        # With Redis here /healthz asks it too, as in compose; without, tasks run in-process.
        CELERY_BROKER_URL=BROKER_URL if redis_answers() else "",
    )
    manage(env, "collectstatic", "--noinput", "-v", "0")

    port = free_port()
    argv = list(compose_service("web")["command"])
    assert argv[0] == "gunicorn"
    argv[0] = str(VENV_BIN / "gunicorn")
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    gunicorn = Process("gunicorn", argv, env, tmp / "gunicorn.log")
    site = Site(port)
    site.env = env

    def answers():
        try:
            return site.get("/healthz").status in (200, 503)
        except OSError:
            return False

    try:
        gunicorn.wait_for(answers, "answer on /healthz", timeout=20)
        yield site
    finally:
        gunicorn.stop()


def test_login_page_with_security_headers(site):
    response = site.get("/accounts/login/")
    assert response.status == 200, response.text
    assert re.search(r'<form[^>]+method="post"', response.text)
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    csp = response.getheader("Content-Security-Policy")
    assert csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    hsts = response.getheader("Strict-Transport-Security")
    assert hsts and "max-age=31536000" in hsts
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_plain_http_is_redirected_to_https(site):
    response = site.get("/accounts/login/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/accounts/login/"


def test_collected_css_is_served_by_whitenoise(site):
    page = site.get("/accounts/login/").text
    link = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert link, page
    href = link.group(1)
    # Hashed by CompressedManifestStaticFilesStorage: the name changes with the content.
    assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", href), href
    response = site.get(href, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/css")
    # WhiteNoise's marks: hashed files cached forever, served precompressed.
    assert "immutable" in response.getheader("Cache-Control", "")
    assert response.getheader("Content-Encoding") == "gzip"


def test_pages_need_a_login(site):
    response = site.get("/actions/")
    assert response.status == 302
    assert response.getheader("Location") == "/accounts/login/?next=/actions/"


def test_unknown_page_is_our_404(site):
    response = site.get("/nope")
    assert response.status == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text
    assert "URLconf" not in response.text  # not Django's debug page
    assert 'rel="stylesheet"' in response.text  # the portal's own layout


def test_healthz(site):
    response = site.get("/healthz")
    assert response.status == 200, response.text
    assert response.getheader("Content-Type") == "application/json"
    assert '"database": "ok"' in response.text
    # The container health check calls it over plain HTTP: no redirect for it.
    assert site.get("/healthz", https=False).status == 200


def test_compose_health_check_passes(site):
    """web's health check command, run as compose would (only the port differs)."""
    test = compose_service("web")["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    script = test[3].replace("127.0.0.1:8000/", f"127.0.0.1:{site.port}/")
    assert script != test[3]
    env = {"PATH": os.environ["PATH"], "ALLOWED_HOSTS": site.env["ALLOWED_HOSTS"]}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=15
    )
    assert result.returncode == 0, result.stderr


# --- Celery worker and beat ------------------------------------------------------------------


@pytest.mark.celery_worker
def test_worker_runs_the_weekly_digests_from_the_broker(broker, database, tmp_path, monkeypatch):
    env = portal_env(database, DEBUG="true", CELERY_BROKER_URL=BROKER_URL)
    # One focal point with an address, so the weekly task has a digest to hand on.
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from agencies.models import FocalPoint, "
        "Organisation; o = Organisation.objects.create(acronym='ILO', name='ILO', "
        "kind='un_agency'); u = User.objects.create_user('ilo-focal', 'ilo@example.org'); "
        "FocalPoint.objects.create(user=u, organisation=o)",
    )
    worker = Process(
        "celery worker",
        [
            str(VENV_BIN / "celery"),
            *compose_service("worker")["command"][1:],
            "--pool",
            "solo",
            "--concurrency",
            "1",
        ],
        env,
        tmp_path / "worker.log",
    )
    try:
        worker.wait_for_log(r" ready\.")
        # Celery lets CELERY_BROKER_URL (set in CI) win over broker=: only ours counts here.
        monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
        producer = Celery("smoke-test-producer", broker=BROKER_URL)
        try:
            result = producer.send_task("actions.tasks.send_weekly_digests", kwargs={"week": WEEK})
        finally:
            producer.close()
        task_id = re.escape(result.id)
        worker.wait_for_log(rf"Task actions\.tasks\.send_weekly_digests\[{task_id}\] received")
        # It planned one delivery and handed it on through the broker: returned 1.
        worker.wait_for_log(
            rf"Task actions\.tasks\.send_weekly_digests\[{task_id}\] succeeded in [\d.]+s: 1\b"
        )
        worker.wait_for_log(r"Task digests\.tasks\.send_digest_batch\[[0-9a-f-]+\] succeeded")
    finally:
        worker.stop()
    output = manage(
        env,
        "shell",
        "-c",
        "from digests.models import DigestDelivery as D; print('ROWS', "
        "list(D.objects.values_list('recipient__username', 'week', 'status', 'attempts')))",
    )
    rows = re.search(r"^ROWS (.*)$", output, re.MULTILINE).group(1)
    # Nothing is overdue for the new agency: its digest is decided as empty, once.
    assert rows == f"[('ilo-focal', '{WEEK}', 'empty', 1)]"


@pytest.mark.celery_worker
def test_beat_starts_with_the_weekly_digest_schedule(broker, database, tmp_path):
    env = portal_env(database, DEBUG="true", CELERY_BROKER_URL=BROKER_URL)
    schedule_file = tmp_path / "celerybeat-schedule"
    argv = list(compose_service("beat")["command"])
    argv[0] = str(VENV_BIN / "celery")
    argv[argv.index("-l") + 1] = "DEBUG"
    argv[argv.index("--schedule") + 1] = str(schedule_file)
    beat = Process("celery beat", argv, env, tmp_path / "beat.log")
    try:
        beat.wait_for_log(r"beat: Starting\.\.\.")
        beat.wait_for_log(r"beat: Waking up in")  # past its first tick: the schedule is saved
    finally:
        beat.stop()
    log = beat.log()
    assert "scheduler -> celery.beat.PersistentScheduler" in log
    assert f"db -> {schedule_file}" in log
    assert re.search(r"<ScheduleEntry: weekly-digests actions\.tasks\.send_weekly_digests", log)

    with shelve.open(str(schedule_file), flag="r") as store:
        entries = dict(store["entries"])
        assert store["tz"] == "Europe/Zurich"
    entry = entries["weekly-digests"]
    assert entry.task == "actions.tasks.send_weekly_digests"
    assert (entry.schedule.minute, entry.schedule.hour) == ({0}, {6})
    assert entry.schedule.day_of_week == {1}  # Monday
    # Starting did not send the digests: they wait for Monday 06:00.
    assert broker.llen("celery") == 0
