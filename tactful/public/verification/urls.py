"""Is this message, or this number, really from us? And stop further messages."""

from django.urls import path

from tactful.public.verification import views

urlpatterns = [
    path("", views.verify, name="verify"),
    path("stop/", views.verify_stop, name="verify-stop"),
    path("number/", views.verify_number, name="verify-number"),
]
