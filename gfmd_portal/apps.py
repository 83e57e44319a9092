from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gfmd_portal"
    verbose_name = _("GFMD Follow-up Portal")

    def ready(self):
        # Connects the login hook of the sliding session before the first request.
        from . import middleware  # noqa: F401
