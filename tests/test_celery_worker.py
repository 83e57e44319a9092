"""The weekly digests through a real Celery worker: Redis as the broker, the test database on
PostgreSQL, and mail to an SMTP server run by the test. Each digest arrives once, also when
the mail server turns the first attempt away and the worker retries with backoff."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection

from digests.models import DigestDelivery
from tests.conftest import missing_service
from tests.smtp_capture import SMTPCapture
from tests.test_digest_exactly_once import (
    database_url,
    expected_subject,
    make_digest_recipients,
)

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker]

BASE_DIR = Path(__file__).resolve().parent.parent
BROKER_URL = "redis://127.0.0.1:6379/14"
Status = DigestDelivery.Status


class Worker:
    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited ({self.process.returncode}):\n{self.log()}")
            if " ready." in self.log():
                return
            time.sleep(0.1)
        pytest.fail(f"The Celery worker was not ready after {timeout} s:\n{self.log()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def broker():
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        missing_service(f"Redis is not reachable at {BROKER_URL}: {error}")
    client.flushdb()
    yield BROKER_URL
    client.flushdb()
    client.close()


@pytest.fixture(scope="module")
def smtp():
    with SMTPCapture() as server:
        yield server


@pytest.fixture(scope="module")
def worker(django_db_setup, broker, smtp, tmp_path_factory):
    # Module-scoped fixtures start before the autouse PostgreSQL check: check here too.
    if connection.vendor != "postgresql":
        missing_service("this test needs PostgreSQL: set DATABASE_URL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gfmd_portal.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": smtp.url,
        "DEBUG": "true",
        "SITE_URL": "https://portal.example.org",
        "DIGEST_RETRY_BASE_SECONDS": "1",
        "DIGEST_RETRY_MAX_SECONDS": "2",
    }
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    command = [
        str(Path(sys.executable).with_name("celery")),
        *("-A", "gfmd_portal", "worker", "--pool", "solo", "--concurrency", "1"),
        *("-Q", "celery", "--without-heartbeat", "--without-gossip", "--without-mingle"),
        *("-l", "INFO", "--hostname", "digest-test@%h"),
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    handle = Worker(process, log_path)
    try:
        handle.wait_ready()
        yield handle
    finally:
        handle.stop()


def enqueue_weekly_digests(week):
    """What beat does on Monday morning: one message on the broker, for the worker."""
    # An explicit connection: Celery prefers a CELERY_BROKER_URL in the environment (CI sets
    # one for the test process) over the broker named here.
    producer = Celery("digest-test-producer", broker=BROKER_URL)
    try:
        with producer.connection_for_write(BROKER_URL) as broker_connection:
            producer.send_task(
                "actions.tasks.send_weekly_digests",
                kwargs={"week": week},
                connection=broker_connection,
            )
    finally:
        producer.close()


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def all_sent(week, count):
    return DigestDelivery.objects.filter(week=week, status=Status.SENT).count() == count


def test_the_worker_sends_each_weekly_digest_once(transactional_db, worker, smtp):
    smtp.reset()
    users = make_digest_recipients(focal_points=4)
    week = "2025-W40"

    enqueue_weekly_digests(week)

    assert smtp.wait_for(len(users), timeout=30), worker.log()
    assert wait_until(lambda: all_sent(week, len(users)), timeout=10), worker.log()
    time.sleep(0.5)  # a duplicate would come right behind
    assert smtp.count_by_recipient() == {user.email: 1 for user in users}, worker.log()
    subjects = {message.recipients[0]: message.subject for message in smtp.messages}
    assert subjects == {user.email: expected_subject(user, week, 4) for user in users}
    deliveries = DigestDelivery.objects.filter(week=week)
    assert deliveries.count() == len(users)
    assert {(row.status, row.attempts, row.last_error) for row in deliveries} == {
        (Status.SENT, 1, "")
    }


def test_a_refused_first_attempt_is_retried_with_backoff_and_arrives_once(
    transactional_db, worker, smtp
):
    smtp.reset()
    users = make_digest_recipients(focal_points=3)
    unlucky = users[1]
    smtp.refuse_first(unlucky.email)
    week = "2025-W41"

    enqueue_weekly_digests(week)

    assert smtp.wait_for(len(users), timeout=30), worker.log()
    assert wait_until(lambda: all_sent(week, len(users)), timeout=10), worker.log()
    time.sleep(0.5)
    assert smtp.count_by_recipient() == {user.email: 1 for user in users}, worker.log()

    [(refused_address, refused_at)] = smtp.refused
    assert refused_address == unlucky.email
    [delivered] = [m for m in smtp.messages if m.recipients == [unlucky.email]]
    assert delivered.subject == expected_subject(unlucky, week, 3)
    # DIGEST_RETRY_BASE_SECONDS=1: the retry waits a second, not less, and not much more.
    assert 0.9 <= delivered.received_at - refused_at < 10, worker.log()
    assert "Retry in 1s" in worker.log()

    deliveries = {row.recipient_id: row for row in DigestDelivery.objects.filter(week=week)}
    retried = deliveries.pop(unlucky.pk)
    assert (retried.status, retried.attempts, retried.last_error) == (Status.SENT, 2, "")
    assert retried.sent_at is not None
    assert {(row.status, row.attempts) for row in deliveries.values()} == {(Status.SENT, 1)}
