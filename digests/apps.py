from django.apps import AppConfig


class DigestsConfig(AppConfig):
    """The weekly reminder digests: what they say, who gets them, sending each once."""

    name = "digests"
