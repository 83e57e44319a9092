"""Saved views: a filtered list kept under a name, private or shared; /views/ to rename,
share or delete them; shared views on the dashboard and beside everyone's lists."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import FollowUpAction
from savedviews import services
from savedviews.models import SavedView
from tests.factories import FollowUpActionFactory, RoundTableFactory, UserFactory

Status = FollowUpAction.Status
SAVE_URL = reverse("saved_view_create")


def save(client, name, query, list_name="action_list", shared=False, **extra):
    data = {"name": name, "list_name": list_name, "query": query, **extra}
    if shared:
        data["shared"] = "on"
    return client.post(SAVE_URL, data)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed(response):
    return [action.title for action in response.context["actions"]]


def make_view(owner, name, query="status=planned", shared=False, list_name="action_list"):
    return SavedView.objects.create(
        owner=owner, name=name, query=query, shared=shared, list_name=list_name
    )


@pytest.fixture
def actions(ilo, iom):
    today = datetime.date.today()
    rt3 = RoundTableFactory(number=3)
    return {
        "late": FollowUpActionFactory(
            title="RT 3 late workshop",
            lead=ilo,
            forum=rt3.forum,
            round_table=rt3,
            status=Status.IN_PROGRESS,
            due_date=today - datetime.timedelta(days=3),
        ),
        "later": FollowUpActionFactory(
            title="RT 3 handbook, on time",
            lead=iom,
            partners=[ilo],
            forum=rt3.forum,
            round_table=rt3,
            status=Status.PLANNED,
            due_date=today + datetime.timedelta(days=40),
        ),
        "elsewhere": FollowUpActionFactory(
            title="IOM study elsewhere",
            lead=iom,
            status=Status.IN_PROGRESS,
            due_date=today - datetime.timedelta(days=8),
        ),
        "rt3": rt3,
    }


# --- Saving -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_keeps_the_filters_and_sort_and_drops_the_page_and_empty_fields(
    client, secretariat_user
):
    client.force_login(secretariat_user)
    query = "q=&status=planned&status=in_progress&forum=&overdue=true&sort=-due&page=2&utm=x"

    response = save(client, "RT 3 overdue", query)

    view = SavedView.objects.get()
    assert (view.owner, view.name, view.list_name, view.shared) == (
        secretariat_user,
        "RT 3 overdue",
        "action_list",
        False,
    )
    assert view.query == "status=planned&status=in_progress&overdue=true&sort=-due"
    assert response.status_code == 302
    assert response["Location"] == view.get_absolute_url()
    assert view.get_absolute_url() == "/actions/?" + view.query
    assert messages_of(response) == ["Saved view “RT 3 overdue”."]


@pytest.mark.django_db
def test_a_saved_view_of_my_assignments_is_a_link_to_my_assignments(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    save(client, "Mine, overdue", "overdue=true", list_name="my_assignments", shared=True)
    view = SavedView.objects.get()
    assert view.shared is True
    assert view.get_absolute_url() == "/my/?overdue=true"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("due_before=not-a-date", "Due on or before: Enter a valid date."),
        ("organisation=NOBODY", "Organisation: Select a valid choice."),
        ("stale=0", "No update for (days): Ensure this value is greater than or equal to 1."),
        ("sort=password", "Sort by: Select a valid choice."),
    ],
)
def test_a_broken_filter_is_refused_with_400_and_the_name_typed_is_kept(
    client, secretariat_user, query, said
):
    client.force_login(secretariat_user)

    response = save(client, "RT 3 overdue", query, shared=True)

    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters cannot be saved:" in html and said in html
    assert 'value="RT 3 overdue"' in html
    assert 'id="saved-view-shared" checked' in html
    # Back to the list with those filters, where the filter form marks what is wrong.
    assert f'href="/actions/?{query}"' in html
    assert not SavedView.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", ["admin:index", "//evil.example/", "", "action_detail"])
def test_only_the_two_lists_can_be_saved(client, secretariat_user, list_name):
    client.force_login(secretariat_user)
    response = save(client, "Elsewhere", "status=planned", list_name=list_name)
    assert response.status_code == 400
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_the_query_cannot_carry_a_link_elsewhere(client, secretariat_user):
    """Only the list's own parameters are kept, re-encoded: the link stays on the list."""
    client.force_login(secretariat_user)
    save(client, "Tricky", "q=a%23b%3F&next=https://evil.example/&status=planned&page=3")
    view = SavedView.objects.get()
    assert view.get_absolute_url() == "/actions/?q=a%23b%3F&status=planned"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["q=" + "migration+" * 250, "q=x&" * 3000])
def test_filters_too_long_for_a_link_are_refused_in_words(client, secretariat_user, query):
    client.force_login(secretariat_user)
    response = save(client, "Long", query)
    assert response.status_code == 400
    assert "These filters are too long to save as a view." in response.content.decode()
    assert not SavedView.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   "])
def test_a_save_without_a_name_is_refused_and_keeps_the_filters(client, secretariat_user, name):
    client.force_login(secretariat_user)
    response = save(client, name, "status=planned&sort=title")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the view a name." in html
    assert 'name="query" value="status=planned&amp;sort=title"' in html
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_a_second_view_of_the_same_name_in_any_case_is_refused_for_its_owner_only(
    client, secretariat_user, observer
):
    make_view(secretariat_user, "RT 3 overdue")
    client.force_login(secretariat_user)

    response = save(client, "rt 3 OVERDUE", "overdue=true")

    assert response.status_code == 400
    html = response.content.decode()
    assert "You already have a view named “rt 3 OVERDUE”." in html
    assert 'value="rt 3 OVERDUE"' in html
    assert SavedView.objects.count() == 1

    client.force_login(observer)
    assert save(client, "RT 3 overdue", "overdue=true").status_code == 302
    assert SavedView.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_name_per_owner_in_any_case(secretariat_user):
    make_view(secretariat_user, "RT 3 overdue")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_view(secretariat_user, "RT 3 OVERDUE")


@pytest.mark.django_db
def test_two_saves_of_one_name_at_once_refuse_the_second_in_words(secretariat_user, monkeypatch):
    """The check before the insert can pass twice; the constraint then answers."""
    make_view(secretariat_user, "RT 3 overdue")
    monkeypatch.setattr(services, "_check_name_free", lambda **kwargs: None)
    with pytest.raises(ValidationError) as refused:
        services.saved_view_create(
            owner=secretariat_user, name="RT 3 overdue", list_name="action_list", query=""
        )
    assert "already have a view named" in str(refused.value.message_dict["name"])


@pytest.mark.django_db
def test_the_save_address_only_takes_posts(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(SAVE_URL)["Location"] == reverse("saved_view_list")
    assert client.put(SAVE_URL).status_code == 405
    assert not SavedView.objects.exists()


# --- The form on the lists ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, False),
        ({"page": "1"}, False),
        ({"status": "planned"}, True),
        ({"sort": "-updated"}, True),
        ({"due_before": "not-a-date"}, False),
    ],
)
def test_the_save_form_is_offered_on_a_filtered_or_sorted_list(
    client, ilo_focal_point, url_name, query, shown
):
    client.force_login(ilo_focal_point)
    html = client.get(reverse(url_name), query).content.decode()
    assert ("Save this view" in html) is shown
    if shown:
        assert f'name="list_name" value="{url_name}"' in html
        assert f'action="{SAVE_URL}"' in html


@pytest.mark.django_db
def test_a_saved_view_link_reproduces_the_list(client, ilo_focal_point, actions):
    client.force_login(ilo_focal_point)
    query = {"round_table": actions["rt3"].pk, "overdue": "true", "sort": "-due", "q": ""}
    for url_name in ("action_list", "my_assignments"):
        filtered = client.get(reverse(url_name), query)
        save(
            client,
            f"RT 3 overdue on {url_name}",
            filtered.wsgi_request.GET.urlencode(),
            list_name=url_name,
        )
        view = SavedView.objects.get(list_name=url_name)

        reopened = client.get(view.get_absolute_url())

        assert listed(reopened) == listed(filtered) == ["RT 3 late workshop"]
        assert reopened.context["is_filtered"]


@pytest.mark.django_db
def test_a_saved_sort_order_comes_back(client, secretariat_user, actions):
    client.force_login(secretariat_user)
    save(client, "By title", "sort=title")
    reopened = client.get(SavedView.objects.get().get_absolute_url())
    assert listed(reopened) == sorted(listed(reopened))
    assert len(listed(reopened)) == 3


# --- Who sees which views -----------------------------------------------------------------


@pytest.fixture
def ilo_views(ilo_focal_point):
    return {
        "private": make_view(ilo_focal_point, "ILO private overdue", "overdue=true"),
        "shared": make_view(ilo_focal_point, "ILO shared planned", "status=planned", True),
    }


def your_views(html):
    start = html.index('id="your-views-heading"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
def test_beside_the_list_your_own_views_and_the_shared_ones_of_others(
    client, ilo_focal_point, iom_focal_point, ilo_views, url_name
):
    make_view(iom_focal_point, "IOM own", "sort=title")

    client.force_login(iom_focal_point)
    panel = your_views(client.get(reverse(url_name)).content.decode())

    assert '<a href="/actions/?sort=title">IOM own</a>' in panel
    assert '<a href="/actions/?status=planned">ILO shared planned</a>' in panel
    assert "shared by" in panel and ilo_focal_point.get_full_name() in panel
    assert "ILO private overdue" not in panel
    # Own views first.
    assert panel.index("IOM own") < panel.index("ILO shared planned")

    client.force_login(ilo_focal_point)
    panel = your_views(client.get(reverse(url_name)).content.decode())
    assert "ILO private overdue" in panel and "ILO shared planned" in panel
    assert "IOM own" not in panel


@pytest.mark.django_db
def test_the_view_on_screen_is_marked_as_current(client, ilo_focal_point, ilo_views):
    client.force_login(ilo_focal_point)
    panel = your_views(client.get("/actions/?overdue=true").content.decode())
    assert '<a href="/actions/?overdue=true" aria-current="page">ILO private overdue</a>' in panel
    assert '<a href="/actions/?status=planned">ILO shared planned</a>' in panel


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
def test_your_views_cost_one_query_however_many_there_are(
    client, ilo_focal_point, iom_focal_point, url_name
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name), {"status": "planned"}).status_code == 200
        return len(captured)

    client.force_login(ilo_focal_point)
    make_view(ilo_focal_point, "Only one")
    one = queries()
    for index in range(15):
        make_view(ilo_focal_point, f"Mine {index}")
        make_view(iom_focal_point, f"Shared {index}", shared=True)
    assert queries() == one


@pytest.mark.django_db
def test_the_dashboard_lists_every_shared_view_with_its_owner_and_no_private_one(
    client, observer, ilo_focal_point, secretariat_user, ilo_views
):
    make_view(secretariat_user, "Secretariat: due this quarter", "due_before=2027-03-31", True)
    client.force_login(observer)

    html = client.get(reverse("dashboard")).content.decode()

    start = html.index('id="shared-views-heading"')
    section = html[start : html.index("</section>", start)]
    assert '<a href="/actions/?status=planned">ILO shared planned</a>' in section
    assert ilo_focal_point.get_full_name() in section
    assert "Secretariat: due this quarter" in section
    assert "ILO private overdue" not in html
    # Near the top: before the counts by status.
    assert start < html.index("Actions by status")


@pytest.mark.django_db
def test_the_dashboard_says_when_nothing_is_shared(client, observer, ilo_views):
    ilo_views["shared"].delete()
    client.force_login(observer)
    html = client.get(reverse("dashboard")).content.decode()
    assert "No shared views yet." in html


@pytest.mark.django_db
def test_the_dashboards_shared_views_cost_one_query_however_many_there_are(
    client, observer, iom_focal_point, ilo_focal_point
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return [query["sql"] for query in captured]

    client.force_login(observer)
    make_view(ilo_focal_point, "First shared", shared=True)
    one = queries()
    for index in range(12):
        make_view(iom_focal_point, f"IOM {index}", shared=True)
        make_view(ilo_focal_point, f"ILO {index}", shared=True)
    many = queries()
    assert len(many) == len(one)
    assert len([sql for sql in many if "savedviews_savedview" in sql]) == 1


@pytest.mark.django_db
def test_names_are_escaped_wherever_they_are_shown(client, observer, ilo_focal_point):
    make_view(ilo_focal_point, "<script>alert(1)</script>", shared=True)
    client.force_login(observer)
    for url in (reverse("dashboard"), reverse("action_list"), reverse("saved_view_list")):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


# --- /views/ ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_saved_views_page_lists_yours_with_changes_and_the_others_shared_read_only(
    client, ilo_focal_point, iom_focal_point, ilo_views
):
    own = make_view(iom_focal_point, "IOM own", "sort=title")
    client.force_login(iom_focal_point)

    html = client.get(reverse("saved_view_list")).content.decode()

    yours, shared = html.split('<h2 id="others-views-heading">Shared by others</h2>')
    assert "IOM own" in yours
    assert reverse("saved_view_edit", args=[own.pk]) in yours
    assert reverse("saved_view_delete", args=[own.pk]) in yours
    assert "ILO shared planned" in shared and ilo_focal_point.get_full_name() in shared
    # Read-only: no rename or delete for someone else's view.
    assert reverse("saved_view_edit", args=[ilo_views["shared"].pk]) not in html
    assert reverse("saved_view_delete", args=[ilo_views["shared"].pk]) not in html
    assert "ILO private overdue" not in html


@pytest.mark.django_db
def test_the_saved_views_page_without_views(client, observer):
    client.force_login(observer)
    html = client.get(reverse("saved_view_list")).content.decode()
    assert "You have no saved views yet." in html
    assert "Nobody else has shared a view yet." in html


def edit(client, view, name, shared):
    data = {"name": name}
    if shared:
        data["shared"] = "on"
    return client.post(reverse("saved_view_edit", args=[view.pk]), data)


def snapshot(view):
    view.refresh_from_db()
    return {
        "name": view.name,
        "shared": view.shared,
        "list_name": view.list_name,
        "query": view.query,
        "updated_at": view.updated_at,
    }


@pytest.mark.django_db
def test_rename_unchanged_changes_nothing_and_says_so(client, ilo_focal_point, ilo_views):
    view = ilo_views["private"]
    before = snapshot(view)
    client.force_login(ilo_focal_point)

    page = client.get(reverse("saved_view_edit", args=[view.pk]))
    assert page.status_code == 200
    assert 'value="ILO private overdue"' in page.content.decode()

    response = edit(client, view, "ILO private overdue", shared=False)

    assert response.status_code == 302 and response["Location"] == reverse("saved_view_list")
    assert messages_of(response) == ["Nothing changed: “ILO private overdue” is as it was."]
    assert snapshot(view) == before


@pytest.mark.django_db
def test_rename_changes_only_the_name(client, ilo_focal_point, ilo_views):
    view = ilo_views["private"]
    before = snapshot(view)
    client.force_login(ilo_focal_point)

    response = edit(client, view, "ILO overdue, all", shared=False)

    assert messages_of(response) == ["Renamed “ILO private overdue” to “ILO overdue, all”."]
    after = snapshot(view)
    assert {key for key in before if before[key] != after[key]} == {"name", "updated_at"}


@pytest.mark.django_db
def test_a_change_of_case_alone_is_a_rename(client, ilo_focal_point, ilo_views):
    client.force_login(ilo_focal_point)
    edit(client, ilo_views["private"], "ILO PRIVATE OVERDUE", shared=False)
    assert snapshot(ilo_views["private"])["name"] == "ILO PRIVATE OVERDUE"


@pytest.mark.django_db
def test_sharing_and_unsharing_say_who_sees_the_view(client, ilo_focal_point, ilo_views):
    client.force_login(ilo_focal_point)
    shared = edit(client, ilo_views["private"], "ILO private overdue", shared=True)
    assert messages_of(shared) == ["“ILO private overdue” is now shared with everyone."]
    unshared = edit(client, ilo_views["private"], "ILO private overdue", shared=False)
    assert messages_of(unshared)[-1] == "“ILO private overdue” is now private: only you see it."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("   ", "Give the view a name."),
        ("ilo SHARED planned", "You already have a view named “ilo SHARED planned”."),
        ("x" * 81, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_rename_refuses_an_empty_or_taken_name_and_keeps_what_was_typed(
    client, ilo_focal_point, ilo_views, name, said
):
    view = ilo_views["private"]
    before = snapshot(view)
    client.force_login(ilo_focal_point)

    response = edit(client, view, name, shared=True)

    assert response.status_code == 400
    html = response.content.decode()
    assert said in html
    assert f'value="{name}"' in html
    assert 'id="saved-view-shared" checked' in html
    # The heading keeps the name as saved.
    assert "Rename or share “ILO private overdue”" in html
    assert snapshot(view) == before


@pytest.mark.django_db
def test_delete_asks_first_and_deletes_only_on_post(client, ilo_focal_point, ilo_views):
    view = ilo_views["shared"]
    client.force_login(ilo_focal_point)
    url = reverse("saved_view_delete", args=[view.pk])

    question = client.get(url)

    assert question.status_code == 200
    html = question.content.decode()
    assert "Delete the saved view “ILO shared planned”?" in html
    assert "also goes from the dashboard" in html
    assert SavedView.objects.filter(pk=view.pk).exists()

    response = client.post(url)

    assert response["Location"] == reverse("saved_view_list")
    assert messages_of(response) == ["Deleted saved view “ILO shared planned”."]
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert SavedView.objects.filter(pk=ilo_views["private"].pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["private", "shared"])
@pytest.mark.parametrize("page", ["saved_view_edit", "saved_view_delete"])
@pytest.mark.parametrize("persona", ["iom_focal_point", "secretariat_user"])
def test_nobody_but_the_owner_may_rename_or_delete_a_view(
    request, client, ilo_views, which, page, persona
):
    view = ilo_views[which]
    before = snapshot(view)
    client.force_login(request.getfixturevalue(persona))
    url = reverse(page, args=[view.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Taken over", "shared": "on"}).status_code == 404

    assert snapshot(view) == before


@pytest.mark.django_db
def test_the_pages_answer_only_their_methods_and_need_a_login(client, ilo_focal_point, ilo_views):
    view = ilo_views["private"]
    pages = [
        reverse("saved_view_list"),
        reverse("saved_view_edit", args=[view.pk]),
        reverse("saved_view_delete", args=[view.pk]),
    ]
    for url in pages:
        assert client.get(url)["Location"].startswith(reverse("login")), url
    client.force_login(ilo_focal_point)
    for url in pages:
        assert client.put(url).status_code == 405, url
    assert client.post(reverse("saved_view_list")).status_code == 405
    assert SavedView.objects.filter(pk=view.pk).exists()


@pytest.mark.django_db
def test_a_deleted_owner_takes_their_views_along(ilo_focal_point, ilo_views):
    ilo_focal_point.delete()
    assert not SavedView.objects.exists()


# --- Admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_lists_views_and_refuses_a_taken_name_without_an_error_page(client, ilo_views):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)

    changelist = client.get(reverse("admin:savedviews_savedview_changelist"))
    assert changelist.status_code == 200
    assert "ILO shared planned" in changelist.content.decode()

    url = reverse("admin:savedviews_savedview_change", args=[ilo_views["private"].pk])
    response = client.post(url, {"name": "ILO SHARED PLANNED", "shared": "on"})
    assert response.status_code == 200
    assert "This owner already has a view of that name." in response.content.decode()
    assert snapshot(ilo_views["private"])["name"] == "ILO private overdue"
