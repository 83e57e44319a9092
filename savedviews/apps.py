from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    """Filtered lists saved under a name, private or shared."""

    name = "savedviews"
    verbose_name = "saved views"
