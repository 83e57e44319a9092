"""The French and Spanish catalogs are complete, in step with the code, and compile.

Complete: every message translated (each plural form too), none fuzzy, and the same
placeholders as the English, so a translation can neither drop a value nor ask for one the
code does not give. In step: `makemessages`, run on a copy of the code, finds exactly the
messages the catalogs hold (a string marked and not yet translated fails here).
"""

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.conftest import missing_service

BASE_DIR = Path(settings.BASE_DIR)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
}
# %(name)s, %s, %d and {name}; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfr]|%[sdfr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def catalog_path(language):
    return BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


def catalog(language):
    path = catalog_path(language)
    assert path.is_file(), f"no catalog for {language}: {path}"
    return polib.pofile(str(path))


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _where(entry):
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r}"


def test_every_language_has_a_catalog():
    assert TRANSLATED == ["fr", "es"]
    for language in TRANSLATED:
        assert catalog_path(language).is_file()


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_says_its_language_and_plural_forms(language):
    metadata = catalog(language).metadata
    assert metadata["Language"] == language
    assert metadata["Plural-Forms"] == PLURAL_FORMS[language]
    assert "charset=UTF-8" in metadata["Content-Type"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = [entry for entry in catalog(language) if not entry.obsolete]
    assert len(entries) > 100, "the catalog is nearly empty"
    untranslated = [_where(entry) for entry in entries if not entry.translated()]
    fuzzy = [_where(entry) for entry in entries if entry.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:20]}"
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:20]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_have_the_placeholders_of_the_english(language):
    wrong = []
    for entry in catalog(language):
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            # Any form may be said as the English singular or plural is ("%(counter)s").
            english = [placeholders(entry.msgid), placeholders(entry.msgid_plural)]
            for index, text in entry.msgstr_plural.items():
                if placeholders(text) not in english:
                    wrong.append((_where(entry), index, text))
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append((_where(entry), None, entry.msgstr))
    assert not wrong, f"placeholders differ in {language}: {wrong[:20]}"


def test_the_catalogs_hold_exactly_what_the_code_marks(tmp_path):
    """makemessages on a copy of the code (it rewrites the catalogs it runs on)."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        missing_service("GNU gettext (xgettext, msgmerge) is missing: apt-get install gettext")
    copy = tmp_path / "portal"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            ".venv-tools",
            ".*_cache",
            "*.egg-info",
            "node_modules",
            "staticfiles",
            "test-output",
            "db.sqlite3",
            "*.mo",
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--verbosity", "0"],
        cwd=copy,
        check=True,
        env={"PATH": os.environ["PATH"], "DEBUG": "true"},
    )
    for language in TRANSLATED:
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        wanted = {(entry.msgctxt, entry.msgid) for entry in fresh if not entry.obsolete}
        held = {(entry.msgctxt, entry.msgid) for entry in catalog(language) if not entry.obsolete}
        assert not wanted - held, (
            f"marked in the code but not in locale/{language} (run `make messages` and "
            f"translate): {sorted(wanted - held, key=str)[:20]}"
        )
        assert not held - wanted, (
            f"in locale/{language} but no longer in the code (run `make messages`): "
            f"{sorted(held - wanted, key=str)[:20]}"
        )


def test_the_catalogs_compile_both_ways(tmp_path, settings):
    """With msgfmt --check where gettext is installed, and with polib (the fallback)."""
    from django.core.management import call_command

    locale = tmp_path / "locale"
    shutil.copytree(BASE_DIR / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [locale]
    call_command("compile_translations", "--python", stdout=io.StringIO())
    for language in TRANSLATED:
        mo = polib.mofile(str(locale / language / "LC_MESSAGES" / "django.mo"))
        assert len(mo) == len(catalog(language).translated_entries())
    if not shutil.which("msgfmt"):
        missing_service("GNU gettext's msgfmt is not installed: apt-get install gettext")
    for mo in locale.glob("*/LC_MESSAGES/*.mo"):
        mo.unlink()
    call_command("compile_translations", stdout=io.StringIO())
    assert sorted(p.parent.parent.name for p in locale.glob("*/LC_MESSAGES/django.mo")) == sorted(
        TRANSLATED
    )
