"""Build the .mo files the portal reads from the .po files translators edit.

`make run`, `make test` and the Dockerfile run it; .mo files are built, never committed.
With GNU gettext installed (Debian's `gettext`), `msgfmt --check` compiles and also checks
each catalog's header and format strings; without it, polib (pure Python) compiles, so
`make run` needs only Python. Either way tests/test_translations.py checks the catalogs.
"""

import shutil
import subprocess
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogs():
    """Every .po file of LOCALE_PATHS, in a stable order."""
    return sorted(
        po for locale in settings.LOCALE_PATHS for po in Path(locale).glob("*/LC_MESSAGES/*.po")
    )


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (msgfmt --check, else polib)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--python",
            action="store_true",
            help="Compile with polib even where msgfmt is installed.",
        )

    def handle(self, *args, python=False, **options):
        msgfmt = None if python else shutil.which("msgfmt")
        compiled = 0
        for po in catalogs():
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue  # already built from this .po
            if msgfmt:
                done = subprocess.run(
                    [msgfmt, "--check", "--output-file", str(mo), str(po)],
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise CommandError(f"msgfmt refused {po}:\n{done.stderr}")
            else:
                polib.pofile(str(po)).save_as_mofile(str(mo))
            compiled += 1
        how = "msgfmt --check" if msgfmt else "polib"
        self.stdout.write(f"Translations: {compiled} catalog(s) compiled with {how}.")
