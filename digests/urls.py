from django.urls import path

from . import views

urlpatterns = [
    path("settings/digest/", views.digest_settings, name="digest_settings"),
    path("digests/preview/", views.digest_preview, name="digest_preview"),
    path("digests/deliveries/", views.digest_log, name="digest_log"),
    path(
        "digests/unsubscribe/<str:token>/",
        views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
