"""The seed documents the GFMD record comes from, for tests that compare the record with them.

They ship with the code (record/seeds/, copies of ../shared/seeds/ as the record was built
from them), so the tests need nothing beside the clone; SEED_SHA256 pins each copy."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SEEDS = Path(settings.BASE_DIR) / "record" / "seeds"
SEED_SHA256 = {
    "000_d0a940a55732637f.txt": "c09ccbb3ca7c3831d1344c322dc0e6bc6651a17b51019294b5945252ddf41021",
    "001_78a86e6517d06a0b.txt": "9fd3f8c73511fe9b694cf3706ffedfb7d62a5eda826590c63673e044a6e1fd24",
    "002_049e7e376a7459d6.txt": "b1d19d6aa109afb51e8656ed44be04e90411833eef76a250e1bec5b814a0de08",
    "003_fea5a8e1a9ca2ad5.txt": "ed0c33c9b23a437df5316eeb3285cb11b6addf762d4c4bc895dc0f1f997335b9",
    "004_8c8713691d3b1d8c.txt": "fbc4707f311f0792bb926e667aaa46ad2732271eef43b087607ddac19e6fd67e",
}


def seed_words(text):
    """Text as the tests compare it with a seed: the seeds' line breaks and the Markdown
    italics of one title do not count."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def seed_text(key):
    return seed_words((SEEDS / key).read_text(encoding="utf-8"))


def load_record():
    call_command("load_gfmd", stdout=io.StringIO())
