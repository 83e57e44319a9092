"""Celery beat sends the digests on Monday at 06:00 Geneva time, and a retried digest is
always due again long before the broker would hand its task out a second time."""

import os

from celery.schedules import crontab
from django.conf import settings

from digests.tasks import retry_delay, send_digest
from gfmd_portal.celery import app


def test_the_weekly_digests_run_on_monday_at_six():
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digests"]
    assert entry["task"] == "actions.tasks.send_weekly_digests"
    schedule = entry["schedule"]
    assert schedule == crontab(minute=0, hour=6, day_of_week="mon")
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ({0}, {6}, {1})
    assert schedule.day_of_month == set(range(1, 32))
    assert schedule.month_of_year == set(range(1, 13))
    # The Celery app reads the same schedule.
    assert app.conf.beat_schedule["weekly-digests"]["task"] == entry["task"]
    assert app.conf.beat_schedule["weekly-digests"]["schedule"] == schedule
    assert "actions.tasks.send_weekly_digests" in app.tasks


def test_the_celery_app_keeps_time_in_the_portals_time_zone():
    assert os.environ.get("TIME_ZONE", "Europe/Zurich") == settings.TIME_ZONE
    assert app.conf.timezone == settings.TIME_ZONE
    assert str(app.timezone) == settings.TIME_ZONE


def test_every_retry_delay_is_well_under_the_visibility_timeout():
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility_timeout
    assert send_digest.max_retries == settings.DIGEST_MAX_RETRIES
    delays = [retry_delay(retries) for retries in range(send_digest.max_retries + 1)]
    assert all(delay > 0 for delay in delays)
    assert delays == sorted(delays)  # backing off, never speeding up
    assert max(delays) <= visibility_timeout / 4, (delays, visibility_timeout)
