from django.urls import path

from tactful.web import staff_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", staff_views.staff_home, name="staff-home"),
    path("staff/login/", staff_views.staff_login, name="staff-login"),
    path("staff/otp/setup/", staff_views.totp_setup, name="staff-otp-setup"),
    path("staff/sign-out/", staff_views.staff_sign_out, name="staff-sign-out"),
    path("demo/outbox/", views.demo_outbox, name="demo-outbox"),
]
