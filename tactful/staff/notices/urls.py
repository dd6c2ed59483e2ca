"""Consent notices, under /staff/notices/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.notices import views

urlpatterns = [
    path("", views.notices, name="notices"),
    path("<str:purpose>/", views.notice, name="notice"),
]
