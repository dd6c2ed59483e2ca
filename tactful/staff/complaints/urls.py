"""The complaint desk, under /staff/complaints/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.complaints import views

urlpatterns = [
    path("", views.complaint_queue, name="complaints"),
    path("new/", views.new_phone_complaint, name="complaint-new"),
    path("reports/", views.reports, name="complaint-reports"),
    path("reports/export.<str:fmt>", views.export, name="complaint-export"),
    path("<uuid:reference>/", views.investigation, name="complaint"),
    path("<uuid:reference>/act/", views.act, name="complaint-act"),
    path(
        "<uuid:reference>/attachments/<int:pk>/",
        views.attachment,
        name="complaint-attachment",
    ),
]
