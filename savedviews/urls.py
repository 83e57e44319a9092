from django.urls import path  # noqa: F401  (routes come with the app's views)

urlpatterns: list = []
