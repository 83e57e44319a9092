from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    """The spreadsheet round-trip: lists as XLSX, and an XLSX or CSV read back as changes."""

    name = "spreadsheets"
