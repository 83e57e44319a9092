"""Settings for the GFMD Follow-up Portal.

Everything that differs between a laptop and a server comes from the
environment (or an `.env` file beside manage.py); `.env.example` lists it all.
"""

import datetime
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # silently absent on most machines

DEBUG = env.bool("DEBUG", default=False)

# An empty SECRET_KEY= line counts as unset. `make run` writes a random key into .env; with
# none, a development process makes up its own (sessions and signed links then last until it
# restarts), so no key anyone can read in the source ever signs anything. A server must bring
# its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "gfmd_portal",
    "axes",
    "simple_history",
    "agencies",
    "roundtables",
    "actions",
    "digests",
    "spreadsheets",
    "savedviews",
    "record",
]
# The benchmark's data generator (bench/), for `make bench` and the tests only.
if env.bool("BENCH_TOOLS", default=False):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the session or the database: a NUL would fail a PostgreSQL query,
    # and /healthz must answer even when the database (and so the session) does not.
    "gfmd_portal.middleware.RejectNulMiddleware",
    "gfmd_portal.middleware.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gfmd_portal.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gfmd_portal.middleware.ViewerMiddleware",
    # After the user is read: their own language choice comes before the browser's.
    "gfmd_portal.middleware.PreferredLanguageMiddleware",
    "gfmd_portal.middleware.PrivateCacheMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gfmd_portal.urls"
WSGI_APPLICATION = "gfmd_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# An empty DATABASE_URL= line counts as unset: the SQLite file beside manage.py.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading whether the user is secretariat with the user.
    "agencies.backends.PortalModelBackend",
]
LOGIN_URL = "login"
# Focal points to "My assignments", everyone else to the dashboard (gfmd_portal.views.landing).
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

# The GFMD's working languages. English is the default and the record's own language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as each language writes them ("1 December 2026", "1 décembre 2026",
# "1 de diciembre de 2026"): gfmd_portal/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["gfmd_portal.formats"]
# Geneva, where the GFMD support unit sits.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Zurich")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# WhiteNoise serves the collected files, compressed and with content hashes in their names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# While developing, WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -----------------------------------------------------------------------
# Production defaults follow DEBUG; each can be set on its own (e.g. no SSL redirect when
# a proxy in front already redirects).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check calls /healthz over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER"))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A working day of inactivity ends the session (gfmd_portal.middleware.SlidingSessionMiddleware
# renews it at most every few minutes, so pages do not all write to the database).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=9 * 3600)
SESSION_RENEW_INTERVAL = 5 * 60

# Uploads: the spreadsheet import is the only form that takes a file. A file above its limit
# (spreadsheets.reading.MAX_UPLOAD_BYTES) is dropped as it arrives, before it is stored; the
# rest of the request is read and discarded so the page can say so. Set here, not by the
# view: the NUL check (gfmd_portal.middleware) reads every POST before any view runs.
FILE_UPLOAD_HANDLERS = [
    "spreadsheets.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Content-Security-Policy (django-csp): only the portal's own scripts and styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login lockout (django-axes): 5 failures for one username from one address lock that
# pair out for 15 minutes; other users behind the same proxy can still sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many proxies in front of the portal append to X-Forwarded-For (0: none, use the
# socket's address). With one TLS-terminating proxy, set TRUSTED_PROXY_COUNT=1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "gfmd_portal.middleware.client_ip_address"

# Mail: either EMAIL_URL (smtp+tls://user:password@host:587) or the usual EMAIL_* variables.
# While developing, mail goes to the console unless told otherwise.
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="GFMD Follow-up Portal <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker configured, tasks run in-process so a checkout needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")

# The cache holds the password reset counters (gfmd_portal.views), which must be shared by
# every process: Redis from CACHE_URL, else the broker's Redis when there is one. With
# neither (the embedded default) each process counts on its own, in memory. Sharing the
# broker's database is safe as long as nothing calls cache.clear(), which would empty it.
CACHE_URL = env.str("CACHE_URL", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "gfmd-portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Weekly digests: Celery beat sends them on Monday at 06:00 in TIME_ZONE.
DIGEST_WEEKDAY = "mon"
DIGEST_HOUR = 6
# A claimed digest that never reached "sent" within this lease is picked up again.
DIGEST_CLAIM_LEASE_SECONDS = env.int("DIGEST_CLAIM_LEASE_SECONDS", default=30 * 60)
# Retries when the mail server fails: base * 2**attempt seconds, capped, a bounded number.
DIGEST_MAX_RETRIES = env.int("DIGEST_MAX_RETRIES", default=5)
DIGEST_RETRY_BASE_SECONDS = env.int("DIGEST_RETRY_BASE_SECONDS", default=60)
DIGEST_RETRY_MAX_SECONDS = env.int("DIGEST_RETRY_MAX_SECONDS", default=15 * 60)
# Redis redelivers an unacknowledged task after this; every retry delay stays well below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BEAT_SCHEDULE = {
    "weekly-digests": {
        "task": "actions.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=DIGEST_HOUR, day_of_week=DIGEST_WEEKDAY),
    },
}
