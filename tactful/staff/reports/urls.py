"""The regulator's monthly reports, under /staff/reports/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.reports import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("issue/", views.issue, name="report-issue"),
    path("<uuid:reference>/pdf/", views.download_pdf, name="report-pdf"),
    path("<uuid:reference>/xlsx/", views.download_xlsx, name="report-xlsx"),
]
