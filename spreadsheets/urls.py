from django.urls import path

from . import views

urlpatterns = [
    path("actions/export.xlsx", views.action_export_xlsx, name="action_export_xlsx"),
    path("my/export.xlsx", views.my_export_xlsx, name="my_export_xlsx"),
    path("actions/import/", views.spreadsheet_import, name="spreadsheet_import"),
    # <reference>: the batch's id, signed with the time of the upload (services.batch_for).
    path(
        "actions/import/<str:reference>/",
        views.spreadsheet_import_preview,
        name="spreadsheet_import_preview",
    ),
    path(
        "actions/import/<str:reference>/apply/",
        views.spreadsheet_import_apply,
        name="spreadsheet_import_apply",
    ),
]
