from django.urls import path

from . import views

urlpatterns = [
    path("record/", views.about_record, name="about_record"),
]
