"""Every page, as each role, in French and in Spanish: no interface string left in English.

Each page is read in English, then in French and in Spanish (the language cookie, which the
header's menu sets). Every text the page shows (text nodes, and the aria-label, placeholder,
title and alt attributes, and button values) is compared with the English page's: a text
found in both is English left over, unless it is

- content, inside an element marked with another language (the record's titles, names and
  themes: lang="en"; each language's own name in the menu) or translate="no" (notes people
  wrote, in whatever language they wrote them);
- no words at all: numbers, dates in figures, acronyms and codes in capitals, addresses;
- made only of words the two languages write alike (SAME_IN below: "Total", French
  "Actions"), of people's names, and of the names of the record's organisations (proper
  nouns the record gives in English: "Argentina", "World Bank").

Also: the header's menu changes the language in one click, without JavaScript.
"""

import re

import pytest
from django.conf import settings

from tests.browser.conftest import PASSWORD, TIMEOUT_MS
from tests.browser.test_every_page import LAPTOP, _pages, record  # noqa: F401  (a fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

# Written alike in English and in the language: not English left over.
SAME_IN = {
    "fr": {
        "Actions",
        "Action",
        "Agences",
        "Admin",
        "Description",
        "Forum",
        "Forums",
        "Initiatives",
        "Session",
        "Sessions",
        "Note",
        "Notes",
        "Total",
        "Version",
        "Organisation",
        "Organisations",
        "Type",
        "Source",
        "Message",
        "Date",
        "Gouvernement",
        "Observations",
        "Support",
        "Minimum",
        "Maximum",
        "Contact",
        "Partenaires",
        "Code",
        "Dates",
        "Rapporteur",
        "Initiative",
        "Format",
        "Document",
        "Documents",
    },
    "es": {
        "Total",
        "Admin",
        "Error",
        "No",
        "Mínimo",
        "Versión",
        "General",
    },
}
# No words: figures, dates in figures, percentages, codes in capitals ("ILO", "RT 2",
# "GFMD 2007", "1.2"), e-mail and web addresses, arrows and punctuation.
NO_WORDS = re.compile(r"^(?:[\W\d_]*|[A-Z0-9][A-Z0-9 .&'’/()\-–+:#]*|\S+@\S+|\S*://\S*|/\S*)$")

TEXTS = """() => {
    const texts = new Set();
    const page = document.documentElement.lang;
    const content = node => node.closest('[translate="no"]')
        || node.closest('[lang]').lang.toLowerCase() !== page;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('script, style, template')) continue;
        if (content(parent)) continue;
        const text = node.textContent.replace(/\\s+/g, ' ').trim();
        if (text) texts.add(text);
    }
    const labelled = '[aria-label], [placeholder], [title], [alt], input[type=submit], '
        + 'input[type=button]';
    for (const element of document.querySelectorAll(labelled)) {
        if (content(element)) continue;
        for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
            const value = element.getAttribute(name);
            if (value && value.trim()) texts.add(value.replace(/\\s+/g, ' ').trim());
        }
        if (element.matches('input[type=submit], input[type=button]') && element.value) {
            texts.add(element.value.trim());
        }
    }
    texts.add(document.title.replace(/\\s+/g, ' ').trim());
    return [...texts];
}"""


WORD = re.compile(r"[^\W\d_]+")


def _proper_names():
    """The words of people's names and of the record's organisations: the same in any language."""
    from django.contrib.auth import get_user_model

    from agencies.models import Organisation

    names = set()
    for user in get_user_model().objects.all():
        names.update((user.username, user.first_name, user.last_name))
    for acronym, name in Organisation.objects.values_list("acronym", "name"):
        names.update((acronym, name))
    return {word.casefold() for name in names for word in WORD.findall(name)}


def _alike(text, language, names):
    """Whether every word of `text` is written so in `language` too, or is a name."""
    alike = {word.casefold() for word in SAME_IN[language]} | names
    return all(word.casefold() in alike for word in WORD.findall(text))


def _sign_in(context, live_server, username):
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _in(context, live_server, language):
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def _english_left(page, live_server, paths, language, context, names):
    """{path: [texts the `language` page shows as the English page does]}."""
    left = {}
    for path in paths:
        _in(context, live_server, "en")
        page.goto(live_server.url + path)
        english = set(page.evaluate(TEXTS))
        _in(context, live_server, language)
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language, path
        same = sorted(
            text
            for text in set(page.evaluate(TEXTS)) & english
            if not NO_WORDS.match(text) and not _alike(text, language, names)
        )
        if same:
            left[path] = same
    return left


@pytest.fixture
def people(record, secretariat_user):  # noqa: F811  (record: the fixture imported above)
    observer = UserFactory(username="observer")
    return {
        "secretariat": secretariat_user,
        "focal point": record["focal_point"],
        "observer": observer,
    }


@pytest.mark.parametrize("language", ["fr", "es"])
def test_no_interface_string_is_left_in_english(live_server, browser, record, people, language):  # noqa: F811
    paths = _pages(record)
    names = _proper_names()
    found = {}
    for role, user in people.items():
        context = browser.new_context(viewport=LAPTOP, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        page = _sign_in(context, live_server, user.username)
        left = _english_left(page, live_server, paths, language, context, names)
        found.update({f"{role} {path}": texts for path, texts in left.items()})
        context.close()
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    signed_out = ["/accounts/login/", "/accounts/password_reset/", "/accounts/login/?signed_out=1"]
    for path, texts in _english_left(
        page, live_server, signed_out, language, context, names
    ).items():
        found[f"signed out {path}"] = texts
    context.close()

    assert not found, "\n".join(f"{where}: {texts}" for where, texts in found.items())


def test_the_header_menu_changes_the_language_without_javascript(
    live_server, browser, people, shot
):
    context = browser.new_context(viewport=LAPTOP, locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = _sign_in(context, live_server, people["observer"].username)
    page.goto(live_server.url + "/actions/?status=planned")
    assert page.locator("html").get_attribute("lang") == "en"

    page.select_option("#language-select", "fr")
    page.locator(".language-form button").click()

    page.wait_for_load_state()
    assert page.url == live_server.url + "/actions/?status=planned"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#language-select").input_value() == "fr"
    shot(page, "actions-in-french")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "actions-in-french-phone")
    context.close()
