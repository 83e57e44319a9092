"""Which language a page is in: the person's own choice, else the browser's, else English;
and the header's language menu that sets the choice."""

import io

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Profile
from tests.factories import UserFactory

CHOOSE = "/language/"


def _language_of(response):
    """What the page says it is in, and what the response says."""
    html = response.content.decode()
    start = html.index("<html lang=")
    return html[start + len('<html lang="') : html.index('"', start + len('<html lang="'))]


def test_the_menu_posts_to_its_address():
    assert reverse("choose_language") == CHOOSE


@pytest.mark.parametrize(
    "accept_language, expected",
    [("fr-CH,fr;q=0.9,en;q=0.5", "fr"), ("es-419,es;q=0.8", "es"), ("de-DE,de", "en"), ("", "en")],
)
def test_without_a_choice_the_browser_decides(client, db, accept_language, expected):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 200
    assert _language_of(response) == expected
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


def test_a_signed_in_persons_choice_wins_over_the_browser(client, observer):
    Profile.objects.create(user=observer, language="fr")
    client.force_login(observer)

    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es")

    assert _language_of(response) == "fr"


def test_a_blank_choice_follows_the_browser(client, observer):
    Profile.objects.create(user=observer, language="")
    client.force_login(observer)

    assert _language_of(client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_choosing_a_language_keeps_it_on_the_profile_and_goes_back(client, observer):
    client.force_login(observer)

    response = client.post(CHOOSE, {"language": "es", "next": "/actions/?status=planned"})

    assert response.status_code == 302
    assert response["Location"] == "/actions/?status=planned"
    assert Profile.objects.get(user=observer).language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # Another browser, with no cookie and another language: the profile still decides.
    other = Client()
    other.force_login(observer)
    assert _language_of(other.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr")) == "es"


def test_choosing_again_changes_the_same_profile(client, observer):
    client.force_login(observer)
    client.post(CHOOSE, {"language": "es", "next": "/"})
    client.post(CHOOSE, {"language": "en", "next": "/"})

    assert list(Profile.objects.filter(user=observer).values_list("language", flat=True)) == ["en"]


def test_the_sign_in_page_offers_the_menu_and_follows_it(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<select id="language-select" name="language">' in page
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español")):
        assert f'<option value="{code}" lang="{code}"' in page
        assert f">{name}</option>" in page

    response = client.post(CHOOSE, {"language": "fr", "next": reverse("login")})

    assert response["Location"] == reverse("login")
    assert _language_of(client.get(reverse("login"))) == "fr"
    assert not Profile.objects.exists()


@pytest.mark.parametrize("language", ["de", "", "fr<script>"])
def test_a_language_the_portal_does_not_have_is_refused_in_words(client, observer, language):
    client.force_login(observer)

    response = client.post(CHOOSE, {"language": language, "next": "/"})

    assert response.status_code == 400
    assert "is not one of the portal’s languages" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert not Profile.objects.exists()


def test_an_unsafe_next_is_not_followed(client, observer):
    client.force_login(observer)

    response = client.post(CHOOSE, {"language": "fr", "next": "https://elsewhere.example/"})

    assert response.status_code == 302
    assert "elsewhere" not in response["Location"]


def test_the_menu_only_answers_a_post(client, observer):
    client.force_login(observer)

    assert client.get(CHOOSE).status_code == 405


def test_the_choice_costs_no_query(client, db):
    """The profile is read with the user (agencies.backends.PortalModelBackend)."""
    chose, did_not = UserFactory(username="chose"), UserFactory(username="did-not")
    Profile.objects.create(user=chose, language="fr")
    counts = {}
    for user in (chose, did_not):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("action_list"))
        counts[user.username] = len(queries)

    assert counts["chose"] == counts["did-not"]


def test_plurals_follow_each_language(db):
    """French says the singular of 0 and 1, Spanish and English of 1 only."""
    from django.utils import translation

    said = {}
    for language in ("en", "fr", "es"):
        with translation.override(language):
            said[language] = [
                translation.ngettext(
                    "%(lead)s: %(counter)s overdue", "%(lead)s: %(counter)s overdue", n
                )
                % {"lead": "ILO", "counter": n}
                for n in (0, 1, 2)
            ]
    assert said["fr"] == [
        "ILO\u00a0: 0 action en retard",
        "ILO\u00a0: 1 action en retard",
        "ILO\u00a0: 2 actions en retard",
    ]
    assert said["en"] == ["ILO: 0 overdue", "ILO: 1 overdue", "ILO: 2 overdue"]
    assert said["es"][1] != said["es"][2]  # one, then many
    assert said["es"][0] == said["es"][2].replace("2", "0")


def test_the_record_and_its_dates_read_in_the_pages_language(client, observer):
    from django.core.management import call_command

    call_command("load_gfmd", stdout=io.StringIO())
    client.force_login(observer)
    pages = {
        language: client.get(reverse("forum_list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for language in ("en", "fr", "es")
    }

    assert "9–11 July 2007" in pages["en"]
    assert "9–11 juillet 2007" in pages["fr"]
    assert "9–11 de julio de 2007" in pages["es"]
    # The interface is translated, the record's names are not, and say they are English.
    assert "Forums" in pages["en"] and "Foros" in pages["es"]
    for page in pages.values():
        assert 'lang="en">GFMD I' in page or 'lang="en">Brussels' in page


def test_the_action_table_says_percentages_and_dates_as_each_language_writes_them(client, observer):
    """French puts a no-break space before "%"; Spanish abbreviates every month in three
    lowercase letters ("5 mar 2027"), where Django's own Spanish mixes "Ene." and "marzo"."""
    import datetime

    from tests.factories import FollowUpActionFactory

    FollowUpActionFactory(progress=40, due_date=datetime.date(2027, 3, 5), status="in_progress")
    FollowUpActionFactory(progress=40, due_date=datetime.date(2027, 1, 5), status="in_progress")
    client.force_login(observer)
    pages = {
        language: client.get(reverse("action_list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for language in ("en", "fr", "es")
    }

    assert "</progress>40%</span>" in pages["en"]
    assert "</progress>40\u00a0%</span>" in pages["fr"]
    assert "</progress>40%</span>" in pages["es"]
    assert ">5 Mar 2027<" in pages["en"] and ">5 Jan 2027<" in pages["en"]
    assert ">5 mars 2027<" in pages["fr"]
    assert ">5 mar 2027<" in pages["es"] and ">5 ene 2027<" in pages["es"]
    # The percentage is in the page's words, inside a row of the record's (lang="en").
    assert '<td class="num" lang="fr"><span class="progress">' in pages["fr"]


def test_the_dashboard_and_forums_average_in_the_pages_language(client, observer):
    from tests.factories import FollowUpActionFactory

    action = FollowUpActionFactory(progress=40, status="in_progress")
    client.force_login(observer)
    for url in (reverse("dashboard"), reverse("forum_list")):
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "40\u00a0%<" in french, url
        assert "40%<" in english, url
    assert action.forum.short_name in english


@pytest.mark.parametrize(
    "language, refusal",
    [
        ("en", "Please enter a correct username and password."),
        ("fr", "Saisissez un nom d’utilisateur et un mot de passe valides."),
        ("es", "Introduzca un nombre de usuario y una contraseña correctos."),
    ],
)
def test_a_refused_sign_in_says_so_in_the_portals_words(client, observer, language, refusal):
    """Django's Spanish says "clave"; every other page of the portal says "contraseña"."""
    response = client.post(
        reverse("login"),
        {"username": observer.username, "password": "not the password"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert refusal in html.replace("&#x27;", "’").replace("'", "’")
    assert "clave" not in html


def test_the_records_own_words_on_an_action_page_say_they_are_english(client, observer):
    """The record's note in the history and a forum's month ("October 2008") are English
    inside a French page."""
    from django.core.management import call_command

    from actions.models import FollowUpAction

    call_command("load_gfmd", stdout=io.StringIO())
    secondment = FollowUpAction.objects.get(slug="iom-expert-seconded-philippine-task-force")
    client.force_login(observer)

    page = client.get(
        reverse("action_detail", args=[secondment.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert '<div class="note" translate="no" lang="en">Recorded from the GFMD record' in page
    assert '<span lang="en">October 2008</span>' in page
