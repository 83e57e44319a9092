from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    """The spreadsheet round-trip: lists as XLSX, and an XLSX or CSV read back as changes."""

    name = "spreadsheets"
    verbose_name = _("Spreadsheets")
