"""The portal's URLs plus one view that fails, to see the 500 page users would get."""

from django.urls import path

from gfmd_portal.urls import urlpatterns as portal_urlpatterns


def failing_view(request):
    raise RuntimeError("database on fire")


urlpatterns = [path("boom/", failing_view), *portal_urlpatterns]
