"""The seed documents the GFMD record comes from, for tests that compare the record with them."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def seed_words(text):
    """Text as the tests compare it with a seed: the seeds' line breaks and the Markdown
    italics of one title do not count."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def seed_text(key):
    return seed_words((SEEDS / key).read_text(encoding="utf-8"))


def load_record():
    call_command("load_gfmd", stdout=io.StringIO())
