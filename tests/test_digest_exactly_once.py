"""Weekly digests go out exactly once: two runs, a redelivered task, a failed send, a
claim abandoned by a dead worker, and two runs racing each other (threads and processes)."""

import datetime
import os
import re
import smtplib
import subprocess
import sys
import threading
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from digests import services
from digests.models import DigestDelivery
from digests.tasks import send_digest
from tests.factories import (
    FocalPointFactory,
    FollowUpActionFactory,
    ForumFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.smtp_capture import SMTPCapture

BASE_DIR = Path(__file__).resolve().parent.parent
WEEK = "2025-W10"
PAST_DUE = datetime.date(2000, 1, 3)  # overdue in any week these tests send
Status = DigestDelivery.Status


def make_digest_recipients(focal_points=4, secretariat=True):
    """Focal points of their own organisation, each leading one overdue action (so their
    digest is not empty), and optionally one secretariat member. All have e-mail."""
    forum = ForumFactory()
    users = []
    for number in range(focal_points):
        organisation = OrganisationFactory(acronym=f"DIG{number}")
        user = UserFactory(username=f"digest-fp-{number}")
        FocalPointFactory(user=user, organisation=organisation)
        FollowUpActionFactory(forum=forum, lead=organisation, due_date=PAST_DUE)
        users.append(user)
    if secretariat:
        users.append(UserFactory(username="digest-secretariat", secretariat=True))
    return users


def expected_subject(user, week, overdue_total):
    if user.username == "digest-secretariat":
        return f"GFMD follow-up overview, week {week}: {overdue_total} items need attention"
    return f"GFMD follow-up, week {week}: 1 action needs your attention"


def database_url():
    """The URL of the database the tests use (the test database), for other processes."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def run_send_digests(week):
    out, err = StringIO(), StringIO()
    call_command("send_digests", week=week, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def outbox_counts(week=None):
    return Counter(
        address
        for message in list(mail.outbox)
        if week is None or f"week {week}" in message.subject
        for address in message.to
    )


def rows(week=WEEK):
    return {row.recipient.email: row for row in DigestDelivery.objects.filter(week=week)}


def test_two_runs_and_a_redelivered_task_send_each_digest_once(db, mailoutbox):
    users = make_digest_recipients()

    out, err = run_send_digests(WEEK)

    assert err == ""
    assert f"{len(users)} sent" in out
    assert outbox_counts() == {user.email: 1 for user in users}
    subjects = {message.to[0]: message.subject for message in mailoutbox}
    assert subjects == {user.email: expected_subject(user, WEEK, 4) for user in users}
    deliveries = rows()
    assert {row.status for row in deliveries.values()} == {Status.SENT}
    assert {row.attempts for row in deliveries.values()} == {1}
    assert all(row.sent_at and row.item_count for row in deliveries.values())

    out, err = run_send_digests(WEEK)

    assert "nothing left to send" in out
    assert len(mailoutbox) == len(users)

    # The broker hands a task out again (a worker died before acknowledging it).
    for row in deliveries.values():
        assert send_digest(row.pk) == "skipped"
        assert send_digest.apply(args=[row.pk]).get() == "skipped"
    assert len(mailoutbox) == len(users)
    assert {row.attempts for row in rows().values()} == {1}


def test_a_failed_send_is_retried_by_the_next_run_and_only_that_one(db, mailoutbox, monkeypatch):
    users = make_digest_recipients()
    unlucky = users[1]
    original_send = EmailMultiAlternatives.send

    def send_failing_for_one(message, fail_silently=False):
        if message.to == [unlucky.email]:
            raise smtplib.SMTPException("connection reset by the mail server")
        return original_send(message, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_failing_for_one)
    out, err = run_send_digests(WEEK)

    assert f"{len(users) - 1} sent" in out and "1 failed" in out
    assert "connection reset" in err
    assert outbox_counts() == {user.email: 1 for user in users if user != unlucky}
    deliveries = rows()
    failed = deliveries.pop(unlucky.email)
    assert failed.status == Status.FAILED
    assert failed.attempts == 1
    assert failed.last_error == "SMTPException: connection reset by the mail server"
    assert failed.sent_at is None
    assert {(row.status, row.attempts) for row in deliveries.values()} == {(Status.SENT, 1)}

    monkeypatch.undo()  # the mail server works again
    sent_before = len(mailoutbox)
    out, err = run_send_digests(WEEK)

    assert err == ""
    assert "1 sent" in out
    assert len(mailoutbox) == sent_before + 1
    assert mailoutbox[-1].to == [unlucky.email]
    assert outbox_counts() == {user.email: 1 for user in users}
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (Status.SENT, 2, "")
    assert {(row.status, row.attempts) for row in rows().values() if row != failed} == {
        (Status.SENT, 1)
    }


def test_an_abandoned_claim_is_taken_after_its_lease_a_fresh_one_is_not(db, mailoutbox, settings):
    users = make_digest_recipients(focal_points=3, secretariat=False)
    services.digest_plan_week(week=WEEK)
    lease = datetime.timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)
    now = timezone.now()
    abandoned, fresh, untouched = DigestDelivery.objects.filter(week=WEEK).order_by("pk")
    # A worker claimed these and died: one long ago, one a moment ago (maybe still sending).
    DigestDelivery.objects.filter(pk=abandoned.pk).update(
        status=Status.SENDING, claimed_at=now - lease - datetime.timedelta(minutes=1), attempts=1
    )
    DigestDelivery.objects.filter(pk=fresh.pk).update(
        status=Status.SENDING, claimed_at=now - datetime.timedelta(minutes=1), attempts=1
    )

    out, _ = run_send_digests(WEEK)

    assert "2 sent" in out
    assert outbox_counts() == {abandoned.recipient.email: 1, untouched.recipient.email: 1}
    for row in (abandoned, fresh, untouched):
        row.refresh_from_db()
    assert (abandoned.status, abandoned.attempts) == (Status.SENT, 2)
    assert (untouched.status, untouched.attempts) == (Status.SENT, 1)
    assert (fresh.status, fresh.attempts, fresh.sent_at) == (Status.SENDING, 1, None)

    out, _ = run_send_digests(WEEK)
    assert "nothing left to send" in out
    assert len(mailoutbox) == 2

    # Once the fresh claim's lease has run out as well, the next run sends it, once.
    with time_machine.travel(now + lease + datetime.timedelta(minutes=5), tick=True):
        out, _ = run_send_digests(WEEK)
        run_send_digests(WEEK)
    assert "1 sent" in out
    assert outbox_counts() == {user.email: 1 for user in users}
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts) == (Status.SENT, 2)


def _sent_count(output):
    match = re.search(r"(\d+) sent", output)
    return int(match[1]) if match else 0


@pytest.mark.postgres
def test_two_runs_at_the_same_time_in_threads_send_each_digest_once(transactional_db, mailoutbox):
    users = make_digest_recipients(focal_points=15)
    expected = {user.email: 1 for user in users}

    for week in ("2025-W20", "2025-W21", "2025-W22"):
        barrier = threading.Barrier(2)
        outputs, errors = [], []
        lock = threading.Lock()

        def run(week=week, barrier=barrier, outputs=outputs, errors=errors, lock=lock):
            try:
                barrier.wait(timeout=10)
                out, err = run_send_digests(week)
                with lock:
                    outputs.append(out)
                    if err:
                        errors.append(err)
            except Exception as error:  # reported by the main thread
                with lock:
                    errors.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)

        print("THREADS", week, outputs)
        assert errors == []
        assert outbox_counts(week) == expected, outputs
        assert sum(_sent_count(out) for out in outputs) == len(users), outputs
        deliveries = DigestDelivery.objects.filter(week=week)
        assert deliveries.count() == len(users)
        assert {(row.status, row.attempts) for row in deliveries} == {(Status.SENT, 1)}
    assert len(mailoutbox) == 3 * len(users)


@pytest.mark.postgres
def test_two_send_digests_processes_at_the_same_time_send_each_digest_once(transactional_db):
    users = make_digest_recipients(focal_points=15)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gfmd_portal.settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "true",
        "CELERY_BROKER_URL": "",
        "SITE_URL": "https://portal.example.org",
        "LOG_LEVEL": "WARNING",
    }
    with SMTPCapture() as smtp:
        env["EMAIL_URL"] = smtp.url
        for week in ("2025-W30", "2025-W31"):
            command = [sys.executable, "manage.py", "send_digests", "--week", week]
            processes = [
                subprocess.Popen(
                    command,
                    cwd=BASE_DIR,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            results = [process.communicate(timeout=60) for process in processes]
            report = "\n".join(
                f"exit {process.returncode}\nstdout: {out}\nstderr: {err}"
                for process, (out, err) in zip(processes, results, strict=True)
            )
            print("PROCS", week, report)
            assert [process.returncode for process in processes] == [0, 0], report
            assert sum(_sent_count(out) for out, _ in results) == len(users), report

            week_messages = [m for m in smtp.messages if f"week {week}" in m.subject]
            counts = Counter(address for m in week_messages for address in m.recipients)
            assert counts == {user.email: 1 for user in users}, report
            by_address = {m.recipients[0]: m.subject for m in week_messages}
            assert by_address == {user.email: expected_subject(user, week, 15) for user in users}
            deliveries = DigestDelivery.objects.filter(week=week)
            assert {(row.status, row.attempts) for row in deliveries} == {(Status.SENT, 1)}
            assert deliveries.count() == len(users)
        assert len(smtp.messages) == 2 * len(users)


@pytest.mark.django_db
@pytest.mark.parametrize("has_preference_row", [False, True])
def test_one_delivery_takes_a_fixed_number_of_queries(
    mailoutbox, django_assert_num_queries, has_preference_row
):
    (user,) = make_digest_recipients(focal_points=1, secretariat=False)
    if has_preference_row:
        services.digest_set_preference(user=user, receives_digests=True)
    (delivery_id,) = services.digest_plan_week(week=WEEK)

    # The claim; the delivery with its recipient and preference; the organisations, their
    # agendas and their week of changes; the row marked sent.
    with django_assert_num_queries(6):
        outcome = services.digest_deliver(delivery_id=delivery_id)

    assert outcome == "sent"
    assert [message.to for message in mailoutbox] == [[user.email]]
