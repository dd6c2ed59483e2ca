"""The borrower's data-subject rights: see, download, correct, erase."""

from django.urls import path

from tactful.portal.rights import views

urlpatterns = [
    path("", views.rights_page, name="rights"),
    path("my-data.json", views.export, name="rights-export"),
    path("my-data.pdf", views.export_pdf, name="rights-export-pdf"),
    path("correction/", views.correction, name="rights-correction"),
    path("erasure/", views.erasure, name="rights-erasure"),
]
