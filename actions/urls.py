from django.urls import path

from . import bulk_views, export_views, index_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/export.csv", export_views.action_export, name="action_export"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/bulk/", bulk_views.action_bulk_update, name="action_bulk_update"),
    path("actions/bulk/result/", bulk_views.action_bulk_result, name="action_bulk_result"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("my/", views.my_assignments, name="my_assignments"),
    path("my/export.csv", export_views.my_export, name="my_export"),
    # Beside the forum pages of roundtables/urls.py; here, as it counts actions.
    path("forums/", index_views.forum_list, name="forum_list"),
]
