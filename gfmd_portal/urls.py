from django.contrib import admin
from django.urls import include, path

from .views import (
    HEALTHZ_ROUTE,
    LoginView,
    PasswordChangeView,
    PasswordResetView,
    choose_language,
    favicon,
    healthz,
    landing,
)

urlpatterns = [
    path(HEALTHZ_ROUTE, healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("start/", landing, name="landing"),
    path("language/", choose_language, name="choose_language"),
    # Before django.contrib.auth.urls, whose own reset and change views these replace.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("actions.urls")),
    path("", include("digests.urls")),
    path("", include("spreadsheets.urls")),
    path("", include("savedviews.urls")),
    path("", include("roundtables.urls")),
    path("", include("record.urls")),
    path("agencies/", include("agencies.urls")),
]
