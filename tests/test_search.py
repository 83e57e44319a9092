"""The action list's text search (actions.search): every word, in any order, anywhere."""

import pytest
from django.db import connection
from django.urls import reverse

from actions.models import FollowUpAction
from actions.search import MAX_WORD_LENGTH, MAX_WORDS, search_actions, search_words
from tests.factories import FollowUpActionFactory


@pytest.fixture
def actions(db):
    return {
        "handbook": FollowUpActionFactory(
            title="Migration and Development Handbook",
            description="Practical tools for policymakers.",
        ),
        "compendium": FollowUpActionFactory(
            title="Compendium of good practices",
            description="Labour migration schemes, 100% documented_by the ILO.",
        ),
        "workshop": FollowUpActionFactory(title="Workshop on remittances", description=""),
    }


def found(text):
    return {action.title for action in search_actions(FollowUpAction.objects.all(), text)}


def titles(actions, *keys):
    return {actions[key].title for key in keys}


SEARCHES = [
    ("Handbook Migration", {"handbook"}),  # any order
    ("handbook MIGRATION development", {"handbook"}),  # any case
    ("handbook policymakers", {"handbook"}),  # one word in the title, one in the description
    ("migration", {"handbook", "compendium"}),  # in a title or in a description
    ("migration workshop", set()),  # every word, not any
    ("  migration \t  handbook\n", {"handbook"}),  # any whitespace between words
    ("hand book", {"handbook"}),  # parts of words, as the single-phrase search did
    ("", {"handbook", "compendium", "workshop"}),
    ("   ", {"handbook", "compendium", "workshop"}),
    ("100%", {"compendium"}),  # % and _ are plain characters, not wildcards
    ("documented_by", {"compendium"}),
    ("%", {"compendium"}),
    ("_", {"compendium"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), SEARCHES)
def test_every_word_in_any_order_in_title_or_description(actions, text, expected):
    assert found(text) == titles(actions, *expected)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), SEARCHES)
def test_every_word_in_any_order_on_postgresql(actions, text, expected):
    assert found(text) == titles(actions, *expected)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_ignores_case_beyond_ascii(db):
    action = FollowUpActionFactory(title="Étude à São Tomé", description="Œuvre commune")
    assert {a.pk for a in search_actions(FollowUpAction.objects.all(), "SÃO étude ŒUVRE")} == {
        action.pk
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_each_word_can_use_the_trigram_indexes(actions):
    """The words' conditions match migration 0005's index expressions (UPPER(col::text)), so
    the planner can combine the indexes; with sequential scans off it must use them."""
    queryset = search_actions(FollowUpAction.objects.order_by(), "migration handbook")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "action_title_trgm_idx" in plan
    assert "action_description_trgm_idx" in plan
    assert "Seq Scan" not in plan


def test_a_hostile_query_is_cut_to_a_few_short_words():
    words = search_words(" ".join(f"word{n}" for n in range(10_000)))
    assert words == [f"word{n}" for n in range(MAX_WORDS)]
    assert search_words("x" * 100_000) == ["x" * MAX_WORD_LENGTH]
    assert search_words("again and again and again") == ["again", "and"]  # each once


@pytest.mark.django_db
def test_the_sql_stays_small_whatever_the_query(db):
    def sql(text):
        return str(search_actions(FollowUpAction.objects.all(), text).query)

    words = [f"{n}" + "x" * 1000 for n in range(1000)]
    hostile = " ".join(words)
    kept = " ".join(word[:MAX_WORD_LENGTH] for word in words[:MAX_WORDS])
    assert sql(hostile) == sql(kept)
    assert len(sql(hostile)) < 10_000  # against 2 MB of text searched


@pytest.mark.django_db
def test_the_list_and_the_export_search_the_same_way(client, secretariat_user, actions):
    client.force_login(secretariat_user)
    params = {"q": "Handbook Migration"}

    listed = client.get(reverse("action_list"), params).context["actions"]
    exported = b"".join(client.get(reverse("action_export"), params).streaming_content)

    assert [action.title for action in listed] == [actions["handbook"].title]
    assert exported.decode("utf-8-sig").count("Migration and Development Handbook") == 1
