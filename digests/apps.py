from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    """The weekly reminder digests: what they say, who gets them, sending each once."""

    name = "digests"
    verbose_name = _("Digests")
