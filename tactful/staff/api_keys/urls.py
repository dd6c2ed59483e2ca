"""API keys of integrators, under /staff/keys/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.api_keys import views

urlpatterns = [
    path("", views.api_keys, name="api-keys"),
    path("<str:prefix>/", views.api_key, name="api-key"),
    path("<str:prefix>/revoke/", views.revoke, name="api-key-revoke"),
]
