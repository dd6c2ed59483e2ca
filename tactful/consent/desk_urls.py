"""The rights desk's staff pages, mounted under `staff/rights/` in the `web` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.consent import desk_views

urlpatterns = [
    path("", desk_views.desk_page, name="rights-desk"),
    path("<uuid:reference>/", desk_views.request_page, name="rights-request"),
    path("<uuid:reference>/reveal/", desk_views.reveal, name="rights-reveal"),
    path("<uuid:reference>/complete/", desk_views.complete, name="rights-complete"),
    path("<uuid:reference>/reject/", desk_views.reject, name="rights-reject"),
]
