"""Meetings of the GFMD process and the source documents behind the record, as the five
seeds give them: a test per dated event the issue names, every quoted passage found word for
word in its seed, and the pages that show them (a forum's calendar, a meeting's page, the
sources on an action's page).
"""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from actions.models import FollowUpAction
from record.models import Citation, Source
from roundtables.models import Meeting
from tests.seeds import load_record, seed_text, seed_words

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")


@pytest.fixture
def record(db):
    load_record()


def test_every_quoted_passage_is_in_its_source_word_for_word(record):
    seeds = {source.key: seed_text(source.key) for source in Source.objects.all()}
    citations = list(Citation.objects.select_related("source"))
    assert len(citations) >= 30
    for citation in citations:
        assert seed_words(citation.passage) in seeds[citation.source.key], citation.passage


def test_every_action_of_the_record_and_every_meeting_cite_a_passage(record):
    assert not FollowUpAction.objects.filter(citations=None).exists()
    assert not Meeting.objects.filter(citations=None).exists()


def test_the_sources_are_documents_with_author_and_date_only_where_stated(record):
    note = Source.objects.get(key="004_8c8713691d3b1d8c.txt")
    assert (note.author, note.date, note.kind) == (
        "Global Migration Group",
        datetime.date(2007, 7, 12),
        "information note",
    )
    slides = Source.objects.get(key="002_049e7e376a7459d6.txt")
    assert (slides.author, slides.date) == ("", None)
    assert slides.cited_as().endswith("(author not stated)")
    assert all(source.date is None for source in Source.objects.exclude(pk=note.pk))


def meeting(slug):
    return Meeting.objects.select_related("forum").get(slug=slug)


def sittings(slug, zone):
    return [
        (
            sitting.starts_at.astimezone(zone).strftime("%H:%M"),
            sitting.ends_at.astimezone(zone).strftime("%H:%M"),
        )
        for sitting in meeting(slug).sittings.all()
    ]


@pytest.mark.parametrize(
    "slug, day, kind, forum, place",
    [
        ("gfmd2-steering-group-1", datetime.date(2007, 10, 15), "steering_group", 2, "Geneva"),
        ("gfmd2-steering-group-2", datetime.date(2007, 11, 19), "steering_group", 2, "Geneva"),
        (
            "gfmd2-friends-of-the-forum-1",
            datetime.date(2007, 12, 17),
            "friends_of_the_forum",
            2,
            "CICG, Geneva",
        ),
        ("gfmd1-civil-society-day", datetime.date(2007, 7, 9), "civil_society_day", 1, ""),
        ("gfmd1-opening-session", datetime.date(2007, 7, 10), "plenary", 1, ""),
        ("gfmd1-closing-session", datetime.date(2007, 7, 11), "plenary", 1, ""),
        ("idm-2009", datetime.date(2009, 2, 26), "follow_up", 2, "Geneva, Switzerland"),
        ("unesco-diaspora-dialogue-2007-05-15", datetime.date(2007, 5, 15), "preparatory", 1, ""),
    ],
)
def test_meetings_dated_to_the_day(record, slug, day, kind, forum, place):
    found = meeting(slug)
    assert (found.start_date, found.date_precision, found.kind) == (day, "day", kind)
    assert found.forum.number == forum
    assert found.place == place


def test_the_friends_of_the_forum_sat_twice_in_geneva(record):
    assert sittings("gfmd2-friends-of-the-forum-1", GENEVA) == [
        ("10:00", "13:00"),
        ("15:00", "18:00"),
    ]


def test_the_opening_and_closing_sessions_keep_their_brussels_hours(record):
    assert sittings("gfmd1-opening-session", BRUSSELS) == [("09:00", "13:00")]
    assert sittings("gfmd1-closing-session", BRUSSELS) == [("14:00", "18:00")]
    assert "Report of the Civil Society Day" in meeting("gfmd1-opening-session").name


@pytest.mark.parametrize(
    "slug, first_day, precision, shown",
    [
        ("iom-cms-conference-2008", datetime.date(2008, 1, 1), "month", "January 2008"),
        ("sixth-coordination-meeting", datetime.date(2007, 11, 1), "month", "November 2007"),
        ("rcp-chairs-and-secretariats-meeting-2009", datetime.date(2009, 1, 1), "year", "2009"),
    ],
)
def test_meetings_the_sources_date_to_the_month_or_year_say_no_more(
    record, slug, first_day, precision, shown
):
    found = meeting(slug)
    assert (found.start_date, found.date_precision, found.when) == (first_day, precision, shown)


def test_actions_are_held_at_their_meetings(record):
    idm = FollowUpAction.objects.get(slug="idm-2009-human-rights-and-migration")
    assert idm.venue.slug == "idm-2009"
    assert (
        FollowUpAction.objects.get(slug="iom-cms-conference-2008").venue.slug
        == "iom-cms-conference-2008"
    )
    assert (
        FollowUpAction.objects.get(slug="rcp-consultation").venue.slug
        == "rcp-chairs-and-secretariats-meeting-2009"
    )


def test_a_partial_date_is_held_as_its_first_day(record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            slug="bad",
            name="Bad",
            kind="other",
            start_date=datetime.date(2008, 1, 15),
            date_precision="month",
        )


def test_a_citation_cites_for_one_thing_only(record):
    source = Source.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, passage="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(
            source=source,
            passage="x",
            action=FollowUpAction.objects.first(),
            meeting=Meeting.objects.first(),
            position=99,
        )


def test_the_forum_page_shows_its_calendar_in_date_order(client, observer, record):
    client.force_login(observer)
    forum = meeting("gfmd2-steering-group-1").forum
    html = client.get(reverse("forum_detail", args=[forum.pk])).content.decode()
    positions = [
        html.index(name)
        for name in (
            "1st Steering Group Meeting",
            "2nd Steering Group Meeting",
            "1st Friends of the Forum Meeting",
            "2009 International Dialogue",
        )
    ]
    assert positions == sorted(positions)
    assert "17 December 2007</time>, <time" in html


def test_the_meeting_page_says_where_when_and_what_the_sources_say(client, observer, record):
    client.force_login(observer)
    found = meeting("iom-cms-conference-2008")
    html = client.get(reverse("meeting_detail", args=[found.pk])).content.decode()
    assert "January 2008" in html
    assert "(the sources give no exact day)" in html
    assert "Not stated in the sources" in html
    assert '<blockquote lang="en"><p>IOM and the Center for Migration Studies organized' in html
    assert "Follow-up actions held at this meeting" in html


def test_the_meeting_page_in_french_dates_in_french(client, observer, record):
    client.force_login(observer)
    found = meeting("iom-cms-conference-2008")
    html = client.get(
        reverse("meeting_detail", args=[found.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "janvier 2008" in html
    assert "Ce que disent les sources" in html


def test_an_unknown_meeting_is_404_and_meetings_need_a_login(client, observer, record):
    found = meeting("idm-2009")
    assert client.get(reverse("meeting_detail", args=[found.pk])).status_code == 302
    client.force_login(observer)
    assert client.get(reverse("meeting_detail", args=[999999])).status_code == 404


def test_the_action_page_shows_its_venue_and_its_sources(client, observer, record):
    client.force_login(observer)
    idm = FollowUpAction.objects.get(slug="idm-2009-human-rights-and-migration")
    html = client.get(reverse("action_detail", args=[idm.pk])).content.decode()
    assert "<dt>Held at</dt>" in html
    assert reverse("meeting_detail", args=[idm.venue.pk]) in html
    assert "What the sources say" in html
    assert "to the Seventh Coordination Meeting</cite>" in html
    assert "not dated" in html


def test_the_seed_copies_are_the_documents_the_record_was_built_from():
    import hashlib

    from tests.seeds import SEED_SHA256, SEEDS

    found = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in SEEDS.glob("*.txt")
    }
    assert found == SEED_SHA256
