"""Staff pages, mounted under `staff/complaints/` in the `web` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.complaints import staff_views

urlpatterns = [
    path("", staff_views.complaint_queue, name="complaints"),
    path("new/", staff_views.new_phone_complaint, name="complaint-new"),
    path("reports/", staff_views.reports, name="complaint-reports"),
    path("reports/export.<str:fmt>", staff_views.export, name="complaint-export"),
    path("<uuid:reference>/", staff_views.investigation, name="complaint"),
    path("<uuid:reference>/act/", staff_views.act, name="complaint-act"),
]
