"""Issue "Trust": nothing a save does loses, invents or misstates data.

Server-side halves of the browser tests in tests/browser/test_forms_save_what_was_typed.py:
the status rules, unchanged saves, refused stale forms, the record's state, one rounding,
slugs and double submits, labels in the history and the audit trail.
"""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.forms import EditActionForm
from actions.models import FollowUpAction, StatusChange
from actions.services import action_change_status, action_create, action_update
from roundtables.selectors import average_percent
from tests.factories import FollowUpActionFactory, ForumFactory, RoundTableFactory

Status = FollowUpAction.Status
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def frozen_today():
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield TODAY


# --- 1. dates survive the edit form ----------------------------------------------------


@pytest.mark.django_db
def test_the_edit_form_renders_dates_as_a_browser_date_input_reads_them():
    action = FollowUpActionFactory(
        due_date=datetime.date(2026, 12, 10),
        started_on=datetime.date(2008, 3, 1),
        completed_on=None,
    )
    html = str(EditActionForm(instance=action, initial={"version": action.version}))
    assert 'type="date" name="due_date" value="2026-12-10"' in html
    assert 'type="date" name="started_on" value="2008-03-01"' in html
    assert "10/12/2026" not in html


@pytest.mark.django_db
def test_saving_the_edit_form_unchanged_writes_nothing(client, secretariat_user):
    action = FollowUpActionFactory(
        title="Handbook",
        description="Line one.\nLine two.",
        due_date=datetime.date(2026, 12, 10),
    )
    audit_rows = action.audit_trail.count()
    client.force_login(secretariat_user)
    form_page = client.get(reverse("action_edit", args=[action.pk]))
    form = form_page.context["form"]
    # What a browser sends back: every field as rendered, textarea lines as CRLF.
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["description"] = "Line one.\r\nLine two."
    data["due_date"] = "2026-12-10"

    response = client.post(reverse("action_edit", args=[action.pk]), data, follow=True)

    assert b"Nothing to save: no field was changed." in response.content
    action.refresh_from_db()
    assert action.audit_trail.count() == audit_rows
    assert (action.version, action.description) == (1, "Line one.\nLine two.")
    assert action.due_date == datetime.date(2026, 12, 10)


@pytest.mark.django_db
def test_the_edit_says_which_fields_changed(secretariat_user):
    action = FollowUpActionFactory(title="Old", due_date=datetime.date(2026, 12, 10))
    _, changed = action_update(
        action=action,
        updated_by=secretariat_user,
        expected_version=action.version,
        title="New",
        due_date=datetime.date(2026, 12, 10),
    )
    assert changed == ["title"]


# --- 2. a refused stale form keeps what was typed --------------------------------------


@pytest.mark.django_db
def test_a_refused_report_keeps_what_was_typed_and_sends_again_in_one_click(
    client, ilo, ilo_focal_point, secretariat_user
):
    action = FollowUpActionFactory(lead=ilo, status=Status.PLANNED, progress=10)
    read_version = action.version
    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.ON_HOLD, progress=10
    )
    client.force_login(ilo_focal_point)
    typed = {"status": "in_progress", "progress": 35, "note": "Draft sent to the director."}

    refused = client.post(
        reverse("action_status", args=[action.pk]), {**typed, "version": read_version}
    )

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Not saved: " in page and "changed this action since you opened it." in page
    assert "Status Planned → On hold" in page  # what changed meanwhile, in labels
    form = refused.context["status_form"]
    assert form["status"].value() == "in_progress"
    assert str(form["progress"].value()) == "35"
    assert form["note"].value() == "Draft sent to the director."
    assert str(form["version"].value()) == str(read_version + 1)
    assert "Send my report again" in page

    again = client.post(
        reverse("action_status", args=[action.pk]),
        {name: form[name].value() for name in ("status", "progress", "note", "version")},
    )
    assert again.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 35)
    assert action.history.first().note == "Draft sent to the director."


@pytest.mark.django_db
def test_a_refused_edit_keeps_the_persons_changes_over_the_current_values(client, secretariat_user):
    action = FollowUpActionFactory(title="Handbook", due_date=datetime.date(2026, 12, 10))
    read_version = action.version
    other = type(secretariat_user).objects.create_user("other-officer")
    action_update(
        action=action,
        updated_by=other,
        expected_version=read_version,
        due_date=datetime.date(2027, 1, 15),
    )
    client.force_login(secretariat_user)
    refused = client.post(
        reverse("action_edit", args=[action.pk]),
        {
            "title": "Migration and Development Handbook",
            "forum": action.forum_id,
            "lead": action.lead_id,
            "due_date": "2026-12-10",  # as read: not this person's change
            "version": read_version,
        },
    )
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "other-officer" in page and "10 December 2026 → 15 January 2027" in page
    form = refused.context["form"]
    assert form["title"].value() == "Migration and Development Handbook"
    assert form["due_date"].value() == datetime.date(2027, 1, 15)
    assert form["version"].value() == read_version + 1


# --- 3. reports and new actions invent nothing -----------------------------------------


@pytest.mark.django_db
def test_a_confirmation_does_not_invent_a_start_date(secretariat_user, frozen_today):
    action = FollowUpActionFactory(status=Status.IN_PROGRESS, progress=30, started_on=None)
    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, note="On track."
    )
    action.refresh_from_db()
    assert action.started_on is None


@pytest.mark.django_db
def test_a_real_start_dates_it_but_never_over_a_known_date(secretariat_user, frozen_today):
    undated = FollowUpActionFactory(status=Status.PLANNED, started_on=None)
    dated = FollowUpActionFactory(status=Status.PLANNED, started_on=datetime.date(2008, 5, 1))
    for action in (undated, dated):
        change = action_change_status(
            action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=5
        )
        action.refresh_from_db()
    assert undated.started_on == TODAY
    assert dated.started_on == datetime.date(2008, 5, 1)
    assert change.adjusted == []


@pytest.mark.django_db
def test_completed_below_100_is_said_when_saved(client, ilo, ilo_focal_point, frozen_today):
    action = FollowUpActionFactory(lead=ilo, status=Status.IN_PROGRESS, progress=40)
    client.force_login(ilo_focal_point)
    response = client.post(
        reverse("action_status", args=[action.pk]),
        {"status": "completed", "progress": 60, "note": "", "version": action.version},
        follow=True,
    )
    assert "Progress set to 100%: a completed action is done." in response.content.decode()
    action.refresh_from_db()
    assert (action.progress, action.completed_on) == (100, TODAY)


@pytest.mark.django_db
def test_progress_on_a_cancelled_action_is_refused_with_a_reason(secretariat_user):
    action = FollowUpActionFactory(status=Status.CANCELLED, progress=20)
    with pytest.raises(ValidationError) as refused:
        action_change_status(
            action=action, changed_by=secretariat_user, status=Status.CANCELLED, progress=50
        )
    assert "cancelled action's progress cannot change" in str(refused.value.message_dict)
    action.refresh_from_db()
    assert action.progress == 20


@pytest.mark.django_db
def test_the_report_form_says_the_rules_before_saving(client, ilo, ilo_focal_point):
    action = FollowUpActionFactory(lead=ilo)
    client.force_login(ilo_focal_point)
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Completed sets it to 100; a cancelled action keeps the progress it reached." in page


@pytest.mark.django_db
def test_creating_a_completed_action_is_a_completed_report(client, secretariat_user, frozen_today):
    forum = ForumFactory()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("action_create"),
        {"title": "Workshop held", "forum": forum.pk, "status": "completed", "progress": 0},
        follow=True,
    )
    action = FollowUpAction.objects.get(title="Workshop held")
    assert (action.progress, action.completed_on) == (100, TODAY)
    assert "Progress set to 100%" in response.content.decode()
    assert action.history.get().progress == 100


@pytest.mark.django_db
def test_a_completion_date_on_an_open_new_action_is_refused(client, secretariat_user):
    forum = ForumFactory()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("action_create"),
        {
            "title": "Half done",
            "forum": forum.pk,
            "status": "planned",
            "completed_on": "2026-01-05",
        },
    )
    assert response.status_code == 400
    assert "Only a completed action has a completion date" in response.content.decode()
    assert not FollowUpAction.objects.filter(title="Half done").exists()


# --- 5. loading the record is not this week's activity ---------------------------------


@pytest.mark.django_db
def test_the_loaded_record_is_not_reported_in_the_portal(client, secretariat_user):
    call_command("load_gfmd", stdout=open("/dev/null", "w"))  # noqa: SIM115
    actions = FollowUpAction.objects.all()
    assert actions.exists()
    assert not actions.filter(last_reported_at__isnull=False).exists()
    assert not StatusChange.objects.news().exists()
    open_actions = actions.exclude(status__in=FollowUpAction.CLOSED_STATUSES).count()
    assert FollowUpAction.objects.stale(60).count() == open_actions

    client.force_login(secretariat_user)
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.context["stale"]  # the 2007-2009 actions are not "updated today"
    assert list(dashboard.context["latest_changes"]) == []
    detail = client.get(reverse("action_detail", args=[actions.first().pk])).content.decode()
    assert "Not reported in the portal yet" in detail
    listing = client.get(reverse("action_list")).content.decode()
    assert "Not reported in the portal yet" in listing


@pytest.mark.django_db
def test_a_first_report_on_a_loaded_action_is_news(secretariat_user):
    call_command("load_gfmd", stdout=open("/dev/null", "w"))  # noqa: SIM115
    action = FollowUpAction.objects.exclude(status=Status.COMPLETED).first()
    action_change_status(
        action=action, changed_by=secretariat_user, status=action.status, note="Still going."
    )
    assert list(StatusChange.objects.news().values_list("action", flat=True)) == [action.pk]
    assert action in FollowUpAction.objects.exclude(pk__in=FollowUpAction.objects.stale(60))


# --- 6. one rounding of average progress -----------------------------------------------


def test_average_progress_rounds_halves_up():
    assert average_percent(20 + 25, 2) == 23
    assert average_percent(1, 8) == 0
    assert average_percent(0, 0) is None


@pytest.mark.django_db
def test_dashboard_and_forum_page_show_the_same_average(client, observer):
    forum = ForumFactory()
    round_table = RoundTableFactory(forum=forum, number=1)
    for progress in (20, 25):
        FollowUpActionFactory(forum=forum, round_table=round_table, progress=progress)
    client.force_login(observer)
    dashboard = client.get(reverse("dashboard")).content.decode()
    forum_page = client.get(reverse("forum_detail", args=[forum.pk])).content.decode()
    assert "23%" in dashboard and "23%" in forum_page
    assert "22%" not in dashboard + forum_page


# --- 13. slugs and double submits ------------------------------------------------------


@pytest.mark.django_db
def test_a_slug_taken_meanwhile_takes_the_next_one(secretariat_user, monkeypatch):
    forum = ForumFactory()
    first = action_create(created_by=secretariat_user, title="Workshop", forum=forum)
    # The other form read "workshop" as free too, before the first one saved it.
    real = services.unique_slug_for
    answers = iter(["workshop"])
    monkeypatch.setattr(
        services, "unique_slug_for", lambda title: next(answers, None) or real(title)
    )
    second = action_create(created_by=secretariat_user, title="Workshop", forum=forum)
    assert first.slug == "workshop"
    assert second.slug.startswith("workshop") and second.slug != "workshop"


@pytest.mark.django_db
def test_a_form_sent_twice_makes_one_action(client, secretariat_user):
    forum = ForumFactory()
    client.force_login(secretariat_user)
    data = {
        "title": "Data sharing group",
        "forum": forum.pk,
        "status": "proposed",
        "creation_token": str(uuid.uuid4()),
    }
    first = client.post(reverse("action_create"), data)
    second = client.post(reverse("action_create"), data, follow=True)
    action = FollowUpAction.objects.get(title="Data sharing group")
    assert first["Location"] == reverse("action_detail", args=[action.pk])
    assert second.redirect_chain[-1][0] == reverse("action_detail", args=[action.pk])
    assert b"This form was already sent" in second.content
    assert action.history.count() == 1


@pytest.mark.django_db
def test_every_new_action_form_has_its_own_token(client, secretariat_user):
    client.force_login(secretariat_user)
    tokens = {
        client.get(reverse("action_create")).context["form"]["creation_token"].value()
        for _ in range(2)
    }
    assert len(tokens) == 2


# --- 19. labels, never codes -----------------------------------------------------------


@pytest.mark.django_db
def test_history_and_audit_trail_show_labels(client, secretariat_user):
    action = action_create(
        created_by=secretariat_user,
        title="Labels",
        forum=ForumFactory(),
        status=Status.IN_PROGRESS,
        progress=10,
    )
    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=20
    )
    action_change_status(action=action, changed_by=secretariat_user, status=Status.ON_HOLD)
    client.force_login(secretariat_user)
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "In progress → On hold, progress 20%" in page
    assert "In progress: progress 10% → 20%" in page
    assert "in_progress" not in page.split('id="history-heading"')[1].split("</table>")[0]
    started = timezone.localdate().strftime("%-d %B %Y")
    assert started in page


# --- 25. machine-readable times have no microseconds -----------------------------------


@pytest.mark.django_db
def test_time_elements_carry_no_microseconds(client, secretariat_user):
    action = FollowUpActionFactory(
        last_reported_at=timezone.now().replace(microsecond=123456),
    )
    action_change_status(action=action, changed_by=secretariat_user, status=Status.PLANNED)
    client.force_login(secretariat_user)
    for url in (
        reverse("dashboard"),
        reverse("action_list"),
        reverse("action_detail", args=[action.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<time" in page
        assert ".123456" not in page and not any(
            "." in chunk.split('"')[0] for chunk in page.split('datetime="')[1:]
        )


@pytest.mark.django_db
def test_the_first_digests_after_loading_the_record_list_no_changes(secretariat_user):
    from agencies.models import Organisation
    from digests import content as digests
    from tests.factories import FocalPointFactory, UserFactory

    call_command("load_gfmd", stdout=open("/dev/null", "w"))  # noqa: SIM115
    iom = Organisation.objects.get(acronym="IOM")
    focal_point = FocalPointFactory(
        user=UserFactory(username="iom-reader", email="reader@iom.int"), organisation=iom
    ).user
    week = digests.current_week()

    mine = digests.build_digest(focal_point, week, "focal_point")
    overview = digests.build_digest(secretariat_user, week, "secretariat")

    assert len(mine.changes) == 0 and len(overview.changes) == 0
    assert mine.stale.total > 0  # IOM's open 2007-2009 actions were never reported here
    assert all(item.last_report == "none in the portal yet" for item in mine.stale)


# --- 23. a page number is not a filter -------------------------------------------------


@pytest.mark.django_db
def test_page_two_of_an_unfiltered_list_is_not_filtered(client, observer):
    FollowUpActionFactory.create_batch(27)
    client.force_login(observer)
    for query in ("?page=2", "?sort=-due", "?page=2&sort=title"):
        page = client.get(reverse("action_list") + query).content.decode()
        assert "27 actions." in page, query
        assert "match these filters" not in page and "Clear filters" not in page, query
    filtered = client.get(reverse("action_list") + "?status=proposed&page=2").content.decode()
    assert "27 actions match these filters." in filtered and "Clear filters" in filtered


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_new_actions_of_one_title_at_the_same_moment_both_save(monkeypatch):
    """Both forms read the same slug as free before either saves: the unique index refuses
    the second, which takes the next slug instead of answering 500."""
    import threading

    from django.db import connections

    forum = ForumFactory()
    both_read = threading.Barrier(2, timeout=10)
    real = services.unique_slug_for
    first_reads = threading.local()

    def read_then_wait(title):
        slug = real(title)
        if not getattr(first_reads, "done", False):
            first_reads.done = True
            both_read.wait()  # both have read "workshop" as free
        return slug

    monkeypatch.setattr(services, "unique_slug_for", read_then_wait)
    made, failed = [], []

    def create():
        try:
            made.append(action_create(created_by=None, title="Workshop", forum=forum).slug)
        except Exception as error:  # noqa: BLE001 - the test reports it
            failed.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failed == []
    assert sorted(made) == ["workshop", "workshop-2"]


@pytest.mark.django_db
def test_a_digest_words_a_change_as_the_history_does(secretariat_user, mailoutbox):
    """Labels, never codes, and a progress change reads as one: the e-mails take the
    history's own words (StatusChange.summary)."""
    from digests import content, services

    action = FollowUpActionFactory(status=Status.IN_PROGRESS, progress=20)
    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=40
    )
    week = content.current_week()
    [delivery_id] = services.digest_plan_week(week=week, username=secretariat_user.username)
    assert services.digest_deliver(delivery_id=delivery_id) == "sent"
    [message] = mailoutbox
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "In progress: progress 20% → 40%" in body
        assert "in_progress" not in body and "in progress → in progress" not in body
