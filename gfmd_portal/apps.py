from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gfmd_portal"
    verbose_name = "GFMD Follow-up Portal"

    def ready(self):
        # Connects the login hook of the sliding session before the first request.
        from . import middleware  # noqa: F401
