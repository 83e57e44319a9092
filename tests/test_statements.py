"""What the sources say of the GFMD, its forums and GFMD II's round tables, in their own
words: how the GFMD began, each forum's format, GFMD II's theme statements and sub-themes as
drafts, and the feedback on the draft themes; each found word for word in its seed, shown on
the forum pages with its source.
"""

import pytest
from django.urls import reverse

from record.models import Statement
from roundtables.models import Forum
from tests.seeds import load_record, seed_text, seed_words


@pytest.fixture
def record(db):
    load_record()


def said(kind, forum=None, round_table=None):
    statements = Statement.objects.filter(kind=kind, forum__number=forum)
    if round_table is not None:
        statements = statements.filter(round_table__number=round_table)
    return [statement.text for statement in statements]


def test_every_statement_is_in_its_source_word_for_word(record):
    for statement in Statement.objects.select_related("source"):
        seed = seed_text(statement.source.key)
        assert seed_words(statement.text) in seed, statement.text


def test_how_the_gfmd_began(record):
    assert said("origin") == [
        "Follow-up to 2006 UNGA High Level Dialogue on International Migration and Development",
        "Initiative of Belgium",
        "Survey Circulated in 2006",
        "Informal & Voluntary State-Led Forum",
        "International Organizations and Civil Society as Observers",
    ]


def test_each_forums_format(record):
    assert said("format", 1) == [
        'Themes developed by "Friends of the Forum"',
        "Civil Society Day",
        "2 Days of Roundtable Discussions",
        "Specific Actions per Roundtable",
    ]
    assert "Three-theme Format" in said("format", 2)


@pytest.mark.parametrize(
    "number, statement_starts, sub_themes",
    [
        (
            1,
            "Migrants are best able to contribute to development",
            ["Social protection", "Economic protection", "Political", "Partnerships"],
        ),
        (
            2,
            "All migration and development stakeholders must share",
            [
                "Building capacities",
                "Defining multi-stakeholders",
                "Establishing migration policies",
            ],
        ),
        (
            3,
            "Policy and institutional coherence and partnerships should be promoted",
            [
                "Strengthening data collection",
                "Linking up policy planning",
                "Enhancing bilateral partnerships",
                "GFMD as a global process",
            ],
        ),
    ],
)
def test_gfmd_two_round_tables_in_full_as_drafts(record, number, statement_starts, sub_themes):
    (statement,) = Statement.objects.filter(
        kind="theme", forum__number=2, round_table__number=number
    )
    assert statement.text.startswith(statement_starts)
    subs = Statement.objects.filter(
        kind="sub_theme", round_table__forum__number=2, round_table__number=number
    )
    assert [s.text.split(" ")[0] for s in subs] == [s.split(" ")[0] for s in sub_themes]
    assert all(s.is_draft for s in [statement, *subs])


def test_the_themes_standing_keeps_its_hedges(record):
    standing = " ".join(said("standing", 2))
    assert "Feedback on Draft RDTs" in standing
    assert (
        "Pending the approval of the GFMD governing bodies concerning the final programme"
        in standing
    )


def test_the_feedback_on_the_draft_themes(record):
    feedback = said("feedback", 2)
    assert len(feedback) == 11
    assert feedback[0] == "Need to Focus and Streamline RTDs"
    assert "Avoid North-South Clash" in feedback


def test_gfmd_one_has_no_draft_statement(record):
    assert not Statement.objects.filter(forum__number=1, is_draft=True).exists()


def test_the_forum_page_shows_the_round_tables_in_full(client, observer, record):
    client.force_login(observer)
    forum = Forum.objects.get(number=2)
    html = client.get(reverse("forum_detail", args=[forum.pk])).content.decode()
    assert "The sources give these themes as drafts:" in html
    assert "a three-pronged approach:" in html
    assert "Sub-themes" in html
    assert 'badge badge-draft">draft</span>' in html
    assert "Feedback on the draft themes" in html
    assert "From the preparatory meetings; the source does not say which." in html
    assert "Three-theme Format" in html


def test_the_record_page_says_how_the_gfmd_began_and_lists_its_sources(client, observer, record):
    client.force_login(observer)
    assert reverse("about_record") in client.get(reverse("forum_list")).content.decode()
    html = client.get(reverse("about_record")).content.decode()
    assert "How the GFMD began" in html
    assert "Initiative of Belgium" in html
    assert "5 documents" in html
    assert "Involvement of participating agencies in the preparations" in html
    assert "12 July 2007" in html


def test_the_record_page_needs_a_login(client, record):
    assert client.get(reverse("about_record")).status_code == 302


def test_loading_twice_keeps_the_statements(record):
    before = list(Statement.objects.values_list("pk", "text"))
    load_record()
    assert list(Statement.objects.values_list("pk", "text")) == before
