"""Rule-pack proposals, under /staff/packs/ in the `staff` namespace."""

from __future__ import annotations

from django.urls import path

from tactful.staff.packs import views

urlpatterns = [
    path("", views.proposals, name="packs"),
    path("new/", views.propose, name="pack-propose"),
    path("<uuid:reference>/", views.proposal, name="pack-proposal"),
    path("<uuid:reference>/approve/", views.approve, name="pack-approve"),
]
