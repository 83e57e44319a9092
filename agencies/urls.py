from django.urls import path, register_converter

from . import views


class AcronymConverter:
    """Any non-empty text, "/" included.

    New acronyms are validated (Organisation.acronym), but a row written before that, or
    straight into the database, must still link and resolve: a link that cannot be reversed
    would break every page that mentions the organisation. `reverse()` percent-encodes what a
    path may not hold ("?", "#", spaces); only "/" stays as it is, which this pattern accepts.
    """

    regex = r"[\s\S]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AcronymConverter, "acronym")

urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("<acronym:acronym>/", views.agency_detail, name="agency_detail"),
]
