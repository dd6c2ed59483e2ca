"""Collectors' certificates, under /staff/certifications/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.certifications import views

urlpatterns = [
    path("", views.certifications, name="certifications"),
]
