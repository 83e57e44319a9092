from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedViewsConfig(AppConfig):
    """Filtered lists saved under a name, private or shared."""

    name = "savedviews"
    verbose_name = _("saved views")
