from django.urls import path

from tactful.staff.oversight import views

urlpatterns = [
    path("", views.dashboard, name="oversight"),
    path("records/", views.records, name="oversight-records"),
]
