"""The settings module: read from the environment, loud about what it cannot do without."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**environment):
    """Import the real settings in a fresh interpreter with this environment."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    env.update(environment)
    code = (
        "import gfmd_portal.settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.TIME_ZONE, s.EMAIL_BACKEND)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_development_defaults():
    result = load_settings(
        DEBUG="true",
        SECRET_KEY="",
        DATABASE_URL="",
        CELERY_BROKER_URL="",
        EMAIL_URL="",
        TIME_ZONE="Europe/Zurich",
    )
    assert result.returncode == 0, result.stderr
    debug, engine, eager, time_zone, backend = result.stdout.split()
    assert (debug, eager, time_zone) == ("True", "True", "Europe/Zurich")
    assert engine == "django.db.backends.sqlite3"
    assert backend == "django.core.mail.backends.console.EmailBackend"


def test_postgres_redis_and_smtp_from_the_environment():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://user:pw@db.example.org:5432/gfmd",
        CELERY_BROKER_URL="redis://redis.example.org:6379/0",
        EMAIL_URL="smtp+tls://user:pw@mail.example.org:587",
    )
    assert result.returncode == 0, result.stderr
    debug, engine, eager, _, backend = result.stdout.split()
    assert (debug, eager) == ("False", "False")
    assert engine == "django.db.backends.postgresql"
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
