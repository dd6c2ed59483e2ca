from __future__ import annotations

from django.urls import path

from tactful.complaints import views

app_name = "complaints"
urlpatterns = [
    path("new/", views.new_public, name="new"),
    path("<uuid:reference>/", views.status, name="status"),
]
