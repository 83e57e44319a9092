"""generate_load_data: deterministic, realistic enough to benchmark with, and careful."""

import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from actions.models import FollowUpAction, StatusChange
from agencies.models import SECRETARIAT_GROUP, FocalPoint, Organisation
from roundtables.models import Forum, Involvement, RoundTable, Session
from tests.factories import OrganisationFactory

SMALL = ["--actions", "300", "--organisations", "20", "--focal-points", "30"]

pytestmark = pytest.mark.django_db


def generate(*extra):
    out = io.StringIO()
    call_command("generate_load_data", *SMALL, *extra, stdout=out)
    return out.getvalue()


def fingerprint():
    """What two runs with one seed must agree on, independent of primary keys."""
    digest = hashlib.sha256()
    actions = (
        FollowUpAction.objects.select_related("lead", "forum", "session")
        .prefetch_related("partners")
        .annotate(history_count=Count("history"))
        .order_by("slug")
    )
    for action in actions:
        row = (
            action.slug,
            action.title,
            action.status,
            action.progress,
            action.due_date,
            action.lead.acronym if action.lead else None,
            sorted(p.acronym for p in action.partners.all()),
            action.forum.number,
            action.session.code if action.session else None,
            action.last_reported_at,
            action.history_count,
        )
        digest.update(repr(row).encode())
    focal_points = FocalPoint.objects.values_list("user__username", "organisation__acronym")
    digest.update(repr(sorted(focal_points)).encode())
    return digest.hexdigest()


def delete_everything():
    StatusChange.objects.all().delete()
    FollowUpAction.objects.all().delete()
    Involvement.objects.all().delete()
    Session.objects.all().delete()
    RoundTable.objects.all().delete()
    Forum.objects.all().delete()
    FocalPoint.objects.all().delete()
    Organisation.objects.all().delete()
    get_user_model().objects.all().delete()


def test_counts_and_spread():
    output = generate("--seed", "3")
    assert "300 actions" in output
    assert FollowUpAction.objects.count() == 300
    assert Organisation.objects.filter(acronym__startswith="LOAD-").count() == 20
    User = get_user_model()
    assert User.objects.filter(username__startswith="fp").count() == 30
    assert User.objects.get(username="bench-admin").is_superuser
    assert (
        User.objects.get(username="bench-secretariat")
        .groups.filter(name=SECRETARIAT_GROUP)
        .exists()
    )
    assert Forum.objects.filter(short_name__startswith="LOAD GFMD ").count() == 20
    assert Forum.objects.order_by("number").first().number == 101
    assert RoundTable.objects.count() == 60
    assert set(Session.objects.values_list("code", flat=True)) == {
        f"{rt}.{n}" for rt in (1, 2, 3) for n in (1, 2, 3, 4)
    }
    # Every organisation has a focal point; every status occurs.
    assert not Organisation.objects.filter(focal_points__isnull=True).exists()
    assert set(FollowUpAction.objects.values_list("status", flat=True)) == set(
        FollowUpAction.Status.values
    )
    assert FollowUpAction.objects.overdue().exists()
    assert FollowUpAction.objects.stale(60).exists()
    assert FollowUpAction.objects.due_within(30).exists()
    assert FollowUpAction.objects.filter(due_date__isnull=True).exists()
    assert FollowUpAction.partners.through.objects.exists()
    assert StatusChange.objects.count() >= FollowUpAction.objects.count()
    assert Involvement.objects.exists()


def test_history_agrees_with_the_actions():
    generate()
    for action in FollowUpAction.objects.prefetch_related("history"):
        history = sorted(action.history.all(), key=lambda change: (change.changed_at, change.pk))
        assert history[0].old_status == ""
        assert history[-1].new_status == action.status
        assert history[-1].progress == action.progress
        assert history[-1].changed_at == action.last_reported_at
        assert action.status_changed_at <= action.last_reported_at
        for before, after in zip(history, history[1:], strict=False):
            assert after.old_status == before.new_status
            assert after.old_progress == before.progress
        if action.completed_on and action.started_on:
            assert action.completed_on >= action.started_on


def test_same_seed_same_data_different_seed_different_data():
    generate("--seed", "7")
    first = fingerprint()
    delete_everything()
    generate("--seed", "7")
    assert fingerprint() == first
    delete_everything()
    generate("--seed", "8")
    assert fingerprint() != first


def test_refuses_a_database_with_data_and_writes_nothing():
    OrganisationFactory(acronym="ILO")
    with pytest.raises(CommandError, match="already holds 1 organisations.*--force"):
        generate()
    assert Organisation.objects.count() == 1
    assert not FollowUpAction.objects.exists()
    assert not get_user_model().objects.exists()


def test_refuses_its_own_earlier_data_too_and_adds_on_top_with_force():
    generate()
    with pytest.raises(CommandError, match="already holds 300 actions"):
        generate()
    assert FollowUpAction.objects.count() == 300
    generate("--force")
    assert FollowUpAction.objects.count() == 600
    assert Organisation.objects.count() == 40
    assert Forum.objects.order_by("-number").first().number == 140
    assert get_user_model().objects.filter(username="fp0060").exists()
    assert FollowUpAction.objects.filter(slug="load-000600").exists()
