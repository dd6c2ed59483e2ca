"""Staff accounts and roles, under /staff/people/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.people import views

urlpatterns = [
    path("", views.people, name="people"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/roles/", views.person_roles, name="person-roles"),
    path("<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
]
