"""The borrower's complaints."""

from django.urls import path

from tactful.portal.complaints import views

urlpatterns = [
    path("", views.complaints, name="complaints"),
    path("<uuid:reference>/", views.complaint, name="complaint"),
]
