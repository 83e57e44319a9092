from django.urls import path

from . import views

urlpatterns = [
    path("<str:acronym>/", views.agency_detail, name="agency_detail"),
]
