"""Test-only overrides, and nothing else: speed and captured side effects."""

import os

os.environ.setdefault("DEBUG", "true")
# The tests check the benchmark's data generator too.
os.environ.setdefault("BENCH_TOOLS", "true")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "https://portal.example.org"
# Counters start empty in each test process, whatever Redis CI points the broker at.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run in the test process; the worker tests start a real worker on Redis themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Tests render {% static %} without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
