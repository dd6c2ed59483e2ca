"""The rights desk's staff pages, mounted under `staff/rights/` in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.rights_desk import views

urlpatterns = [
    path("", views.desk_page, name="rights-desk"),
    path("<uuid:reference>/", views.request_page, name="rights-request"),
    path("<uuid:reference>/reveal/", views.reveal, name="rights-reveal"),
    path("<uuid:reference>/complete/", views.complete, name="rights-complete"),
    path("<uuid:reference>/reject/", views.reject, name="rights-reject"),
]
