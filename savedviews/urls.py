from django.urls import path

from . import views

urlpatterns = [
    path("views/", views.saved_view_list, name="saved_view_list"),
    path("views/new/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/edit/", views.saved_view_edit, name="saved_view_edit"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
]
