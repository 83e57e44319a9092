from django.apps import AppConfig


class RecordConfig(AppConfig):
    """The GFMD record shipped with the portal (fixtures/gfmd_record.json) and its loader,
    load_gfmd: it writes organisations, forums and actions, so it sits above those apps."""

    name = "record"
