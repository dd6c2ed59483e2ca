"""Third parties' rights over their number: prove it by code, see, stop, erase."""

from django.urls import path

from tactful.public.third_parties import views

urlpatterns = [
    path("", views.start, name="third-party-start"),
    path("code/", views.code, name="third-party-code"),
    path("mine/", views.data, name="third-party-data"),
    path("stop/", views.stop, name="third-party-stop"),
    path("mine/export.json", views.export, name="third-party-export"),
    path("correction/", views.correction, name="third-party-correction"),
    path("answer/<uuid:reference>/", views.answer, name="third-party-answer"),
    path("erase/", views.erase, name="third-party-erase"),
]
