"""What I agreed to: the page and the file to keep."""

from django.urls import path

from tactful.portal.terms import views

urlpatterns = [
    path("", views.terms, name="terms"),
    path("what-i-agreed-to.txt", views.terms_text, name="terms-text"),
]
