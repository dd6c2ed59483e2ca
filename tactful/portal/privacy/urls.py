"""Consents, emergency contacts, and the contact record with its evidence export."""

from django.urls import path

from tactful.portal.privacy import views

urlpatterns = [
    path("", views.privacy, name="privacy"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("grant/", views.grant, name="grant"),
    path("contacts/", views.add_contact, name="add-contact"),
    # The path keeps its first name: links to it are in borrowers' hands.
    path("ledger/", views.contact_record, name="contact-record"),
    path("ledger/evidence.json", views.contact_record_json, name="contact-record-json"),
    path("ledger/evidence.pdf", views.contact_record_pdf, name="contact-record-pdf"),
]
