"""The action list's text search: every word, in any order, in the title or the description.

Each word is `title ILIKE '%word%' OR description ILIKE '%word%'` (Django's icontains), and
the words are ANDed. On PostgreSQL each word's OR is a BitmapOr of the two trigram indexes of
migration 0005 and the words a BitmapAnd of those; SQLite scans, which is fine at its size.
"""

from django.db.models import Q

# A hostile query must not become a huge statement: the first words only, each cut short.
# A cut word is part of the whole one, so the search can only find more, never less.
MAX_WORDS = 10
MAX_WORD_LENGTH = 100


def search_words(text):
    """The words of `text` that the search looks for, each once."""
    words = (word[:MAX_WORD_LENGTH] for word in text.split(maxsplit=MAX_WORDS)[:MAX_WORDS])
    return list(dict.fromkeys(words))


def search_actions(queryset, text):
    """The actions of `queryset` that have every word of `text` in their title or description,
    in any order and any case; all of them if `text` has no words."""
    condition = Q()
    for word in search_words(text):
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    return queryset.filter(condition)
