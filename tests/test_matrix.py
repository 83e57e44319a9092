"""The involvement matrix: organisations against a forum's sessions (Annex 2 of the GMG note)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from roundtables.models import Involvement
from tests.factories import (
    ForumFactory,
    GovernmentFactory,
    InvolvementFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# Session and user for the signed-in request (the user read with whether they are
# secretariat, which the navigation's Digest log link asks), then the forums (with "has
# involvements"), the chosen forum's sessions (+ round table), its involvements (+ organisation).
MATRIX_PAGE_QUERIES = 5


class MatrixParser(HTMLParser):
    """Collects the text of each body cell by (data-org, data-session), rows and columns."""

    def __init__(self):
        super().__init__()
        self.cells = {}
        self.row_orgs = []
        self.column_sessions = []
        self._current = None
        self._in_thead = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self._in_thead = True
        elif tag == "tr" and "data-org" in attrs:
            self.row_orgs.append(attrs["data-org"])
        elif tag == "th" and self._in_thead and "data-session" in attrs:
            self.column_sessions.append(attrs["data-session"])
        elif tag == "td" and "data-org" in attrs:
            self._current = (attrs["data-org"], attrs["data-session"])
            self.cells[self._current] = ""

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_thead = False
        elif tag == "td":
            self._current = None

    def handle_data(self, data):
        if self._current:
            self.cells[self._current] += data


def parse(response):
    parser = MatrixParser()
    parser.feed(response.content.decode())
    return parser


def make_forum(number, **kwargs):
    forum = ForumFactory(number=number, short_name=f"GFMD {number}", **kwargs)
    round_tables = [
        RoundTableFactory(forum=forum, number=1, theme="Human capital development"),
        RoundTableFactory(forum=forum, number=2, theme="Remittances"),
    ]
    sessions = {
        code: SessionFactory(round_table=round_tables[int(code[0]) - 1], code=code)
        for code in ("1.1", "1.2", "1.10", "2.1")
    }
    return forum, sessions


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("involvement_matrix"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_roles_land_in_the_right_cells(client, observer, ilo, iom):
    forum, sessions = make_forum(1)
    InvolvementFactory(
        session=sessions["1.2"],
        organisation=ilo,
        role=Involvement.Role.RAPPORTEUR,
        detail="Wrote the session report",
    )
    InvolvementFactory(
        session=sessions["1.2"],
        organisation=ilo,
        role=Involvement.Role.SPEAKER,
        detail="A long note on the speech: " + "labour mobility and skills " * 4,
    )
    InvolvementFactory(session=sessions["2.1"], organisation=iom, role=Involvement.Role.ORGANISER)
    Involvement.objects.create(
        forum=forum, organisation=iom, role=Involvement.Role.BACKGROUND_PAPER, detail="Overview"
    )
    client.force_login(observer)

    response = client.get(reverse("involvement_matrix"), {"forum": forum.pk})

    assert response.status_code == 200
    matrix = parse(response)
    assert "Rapporteur" in matrix.cells[("ILO", "1.2")]
    assert "Wrote the session report" in matrix.cells[("ILO", "1.2")]
    assert "Speaker" in matrix.cells[("ILO", "1.2")]
    # A long detail folds away under its role, still there as text.
    assert "labour mobility and skills" in matrix.cells[("ILO", "1.2")]
    assert "<details><summary>Speaker</summary>" in response.content.decode()
    assert "Rapporteur" not in matrix.cells[("ILO", "1.1")]
    assert "Rapporteur" not in matrix.cells[("IOM", "1.2")]
    assert "Organiser or co-organiser" in matrix.cells[("IOM", "2.1")]
    assert "Background paper input" in matrix.cells[("IOM", "forum")]
    assert "Overview" in matrix.cells[("IOM", "forum")]
    assert matrix.cells[("ILO", "forum")].strip() == ""
    # "Across the forum" first, then the sessions by round table, 1.10 after 1.2.
    assert matrix.column_sessions == ["forum", "1.1", "1.2", "1.10", "2.1"]
    html = response.content.decode()
    assert 'scope="colgroup" colspan="3">Round table 1: Human capital development' in html
    assert 'scope="colgroup" colspan="1">Round table 2: Remittances' in html
    assert reverse("session_detail", args=[sessions["1.2"].pk]) in html
    assert reverse("agency_detail", args=["ILO"]) in html


@pytest.mark.django_db
def test_gmg_members_come_first_then_the_others_by_acronym(client, observer):
    forum, sessions = make_forum(1)
    for acronym, member in [("ZZ", True), ("AA", False), ("MM", True), ("World Bank", False)]:
        organisation = OrganisationFactory(acronym=acronym, is_gmg_member=member)
        InvolvementFactory(session=sessions["1.1"], organisation=organisation)
    OrganisationFactory(acronym="UNUSED")
    client.force_login(observer)

    matrix = parse(client.get(reverse("involvement_matrix")))

    assert matrix.row_orgs == ["MM", "ZZ", "AA", "World Bank"]


@pytest.mark.django_db
def test_forum_switch_shows_the_chosen_forum(client, observer, ilo, iom):
    first, first_sessions = make_forum(1)
    second, second_sessions = make_forum(2)
    InvolvementFactory(session=first_sessions["1.1"], organisation=ilo)
    InvolvementFactory(session=second_sessions["1.1"], organisation=iom)
    client.force_login(observer)

    default = parse(client.get(reverse("involvement_matrix")))
    chosen = client.get(reverse("involvement_matrix"), {"forum": first.pk})

    # By default, the latest forum with involvements.
    assert default.row_orgs == ["IOM"]
    assert chosen.status_code == 200
    assert parse(chosen).row_orgs == ["ILO"]
    assert f'<option value="{first.pk}" selected>' in chosen.content.decode()


@pytest.mark.django_db
def test_default_skips_later_forums_without_involvements(client, observer, ilo):
    first, first_sessions = make_forum(1)
    make_forum(2)
    InvolvementFactory(session=first_sessions["1.2"], organisation=ilo)
    client.force_login(observer)

    response = client.get(reverse("involvement_matrix"))

    assert parse(response).row_orgs == ["ILO"]
    assert "(no involvements yet)" in response.content.decode()


@pytest.mark.django_db
def test_without_any_involvements_the_first_forum_is_shown_empty(client, observer):
    make_forum(2)
    make_forum(1)
    client.force_login(observer)

    response = client.get(reverse("involvement_matrix"))

    assert response.status_code == 200
    assert "No involvements recorded for GFMD 1 yet." in response.content.decode()


@pytest.mark.django_db
def test_no_forums_at_all(client, observer):
    client.force_login(observer)

    response = client.get(reverse("involvement_matrix"))

    assert response.status_code == 200
    assert "No forums have been recorded yet." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5", "²", "1e3", " ", "9" * 40])
def test_invalid_forum_is_a_clear_400(client, observer, value):
    make_forum(1)
    client.force_login(observer)

    response = client.get(reverse("involvement_matrix"), {"forum": value})

    if value.strip():
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is no forum" in html
        assert 'role="alert"' in html
        # The form is still there to pick a valid forum.
        assert '<label for="matrix-forum">Forum</label>' in html
    else:
        # An empty choice falls back to the default forum.
        assert response.status_code == 200


@pytest.mark.django_db
def test_the_invalid_value_is_escaped(client, observer):
    make_forum(1)
    client.force_login(observer)

    response = client.get(reverse("involvement_matrix"), {"forum": SCRIPT})

    assert response.status_code == 400
    assert SCRIPT not in response.content.decode()


@pytest.mark.django_db
def test_names_are_escaped(client, observer):
    forum, sessions = make_forum(1)
    sessions["1.1"].title = SCRIPT
    sessions["1.1"].save()
    organisation = OrganisationFactory(acronym="EVIL", name=SCRIPT)
    InvolvementFactory(session=sessions["1.1"], organisation=organisation, detail=SCRIPT)
    client.force_login(observer)

    html = client.get(reverse("involvement_matrix")).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


@pytest.mark.django_db
def test_matrix_marks_the_menu(client, observer):
    client.force_login(observer)
    html = client.get(reverse("involvement_matrix")).content.decode()
    assert 'aria-current="page">Involvement matrix' in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow_with_the_matrix(
    client, observer, django_assert_num_queries, size
):
    forum = ForumFactory(number=1)
    round_tables = [RoundTableFactory(forum=forum, number=number) for number in (1, 2, 3)]
    sessions = [
        SessionFactory(round_table=round_tables[i % 3], code=f"{i % 3 + 1}.{i + 1}")
        for i in range(size)
    ]
    for index in range(size):
        organisation = (OrganisationFactory if index % 2 else GovernmentFactory)()
        InvolvementFactory(session=sessions[index], organisation=organisation)
        Involvement.objects.create(
            forum=forum, organisation=organisation, role=Involvement.Role.ADVISORY
        )
    ForumFactory(number=2)
    client.force_login(observer)
    url = reverse("involvement_matrix")

    with django_assert_num_queries(MATRIX_PAGE_QUERIES):
        response = client.get(url, {"forum": forum.pk})

    assert response.status_code == 200
    assert len(parse(response).row_orgs) == size
