"""A complaint from anyone, and its status by reference."""

from django.urls import path

from tactful.public.complaints import views

urlpatterns = [
    path("new/", views.new_complaint, name="complaint-new"),
    path("<uuid:reference>/", views.complaint_status, name="complaint-status"),
]
