from __future__ import annotations

from django.urls import path

from tactful.complaints import views

app_name = "portal-complaints"
urlpatterns = [
    path("", views.portal_complaints, name="list"),
    path("<uuid:reference>/", views.portal_detail, name="detail"),
]
