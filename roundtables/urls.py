from django.urls import path

from . import views

urlpatterns = [
    path("forums/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("matrix/", views.involvement_matrix, name="involvement_matrix"),
]
