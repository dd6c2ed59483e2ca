"""An emergency contact's answer to the borrower's invitation, by the link they were sent."""

from django.urls import path

from tactful.public.verification import views

urlpatterns = [
    path("<str:token>/", views.invitation, name="invitation"),
]
