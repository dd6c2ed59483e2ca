from django.urls import path

from tactful.staff.team import views

urlpatterns = [
    path("", views.team, name="team"),
    path("coaching/<int:pk>/done/", views.coaching_done, name="coaching-done"),
]
