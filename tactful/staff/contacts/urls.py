"""The contacts page: find a borrower, ask the gate, reveal a value with a reason."""

from django.urls import path

from tactful.staff.contacts import views

urlpatterns = [
    path("", views.contact_lookup, name="contacts"),
    path("check/", views.contact_check, name="contacts-check"),
    path("reveal/", views.contact_reveal, name="contacts-reveal"),
]
