"""The involvements the first record left out, and who asked for each: seed 004's
"The Government of Spain has asked the ILO to act as rapporteur", Belgium's Global Forum Task
Force behind the background notes, the GMG's reading of the concept papers at Belgium's
request, IOM's Marketplace work, OSCE in the session 1.2 handbook, MRF Brussels beside DRC in
session 1.4, and IOM's support to the GFMD II host (seed 001)."""

import pytest
from django.urls import reverse

from roundtables.models import Involvement, Session
from tests.seeds import load_record


@pytest.fixture
def record(db):
    load_record()


def involvement(forum, session, acronym, role):
    return Involvement.objects.get(
        forum__number=forum, session__code=session, organisation__acronym=acronym, role=role
    )


def askers(found):
    return sorted(found.requested_by.values_list("acronym", flat=True))


@pytest.mark.parametrize(
    "session, acronym, role, asked_by",
    [
        (None, "ILO", "background_paper", ["GFMD Task Force"]),
        (None, "OHCHR", "background_paper", ["GFMD Task Force"]),
        (None, "IOM", "background_paper", ["GFMD Task Force"]),
        (None, "GMG", "advisory", ["Belgium"]),
        ("1.2", "ILO", "rapporteur", ["Spain"]),
        ("1.2", "IOM", "speaker", ["Morocco"]),
        ("1.2", "OSCE", "other", ["Morocco"]),
        ("1.4", "IOM", "background_paper", ["Luxembourg", "Mauritius"]),
        ("1.4", "DRC", "speaker", ["Belgium"]),
        ("2.2", "UNDP", "organiser", ["Belgium"]),
        ("3.1", "IOM", "paper_comments", ["Finland"]),
    ],
)
def test_who_asked(record, session, acronym, role, asked_by):
    assert askers(involvement(1, session, acronym, role)) == asked_by


def test_an_involvement_the_source_does_not_say_who_asked_for_names_no_one(record):
    # "IOM has been requested to lead preparations for this panel": by whom, not said.
    assert askers(involvement(1, "3.4", "IOM", "organiser")) == []


def test_the_gmg_examined_the_concept_papers_at_belgiums_request(record):
    assert "examine in detail the various round table concept papers" in (
        involvement(1, None, "GMG", "advisory").detail
    )


def test_iom_marketplace_work(record):
    # UNDESA's website and the World Bank's D-MADE keep the role the first record gave them
    # ("other", their detail saying "GFMD Market place"), so an upgraded record has no twins.
    marketplace = involvement(1, None, "IOM", "marketplace")
    assert "respond by COB 20 June" in marketplace.detail
    assert "available since 18 May" in marketplace.detail


def test_mrf_brussels_assists_drc_in_session_1_4(record):
    assert (
        "technical assistance of MRF Brussels"
        in involvement(1, "1.4", "MRF Brussels", "other").detail
    )


def test_iom_supports_the_gfmd_two_host_with_the_hedge(record):
    support = involvement(2, None, "IOM", "advisory")
    assert support.detail.startswith("Pending the approval of the GFMD governing bodies")
    assert "both as member of and in conjunction with the GMG, and in its individual capacity" in (
        support.detail
    )
    assert askers(involvement(2, None, "IOM", "other")) == ["Philippines"]


def test_the_session_page_says_who_asked(client, observer, record):
    client.force_login(observer)
    session = Session.objects.get(round_table__forum__number=1, code="1.4")
    html = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Asked by" in html
    assert ">Luxembourg</a>, <a" in html


def test_every_involvement_cites_its_document(record):
    from record.models import Citation

    assert not Involvement.objects.filter(citations=None).exists()
    gfmd_two = Citation.objects.filter(involvement__forum__number=2).select_related("source")
    assert {citation.source.key for citation in gfmd_two} == {"001_78a86e6517d06a0b.txt"}


def test_the_session_page_names_the_document_its_involvements_come_from(client, observer, record):
    client.force_login(observer)
    session = Session.objects.get(round_table__forum__number=1, code="1.2")
    html = client.get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "Involvement of participating agencies in the preparations" in html
