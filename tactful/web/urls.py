from django.urls import path

from tactful.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/login/", views.staff_login, name="staff-login"),
    path("demo/outbox/", views.demo_outbox, name="demo-outbox"),
]
