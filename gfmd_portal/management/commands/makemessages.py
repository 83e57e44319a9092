"""Django's makemessages with the portal's settings, so `python manage.py makemessages`
(and `make messages`) always extracts the same strings the same way: every language but
English, only the portal's own code and templates, and locations by file only (a line
moving does not rewrite the catalogs). tests/test_translations.py runs it too.

Subclassing makemessages is how Django's documentation says to change its options.
"""

from django.conf import settings
from django.core.management.commands import makemessages

# Not the portal's text: the virtualenvs, tests, benchmarks and built files.
IGNORED = [
    ".venv",
    ".venv-tools",
    "tests",
    "bench",
    "staticfiles",
    "test-output",
    "node_modules",
    "*/migrations/*",
]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if not (options["locale"] or options["exclude"] or options["all"]):
            options["locale"] = [
                code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
            ]
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        options["add_location"] = options["add_location"] or "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)
