from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundtablesConfig(AppConfig):
    name = "roundtables"
    verbose_name = _("Forums and round tables")
