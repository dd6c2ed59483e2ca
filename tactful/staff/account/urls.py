"""Staff sign-in with a second factor, enrolment, a new password, sign-out and the staff home."""

from django.urls import path

from tactful.staff.account import views

urlpatterns = [
    path("", views.staff_home, name="home"),
    path("login/", views.staff_login, name="login"),
    path("otp/setup/", views.totp_setup, name="otp-setup"),
    path("password/", views.change_password, name="password"),
    path("sign-out/", views.staff_sign_out, name="sign-out"),
]
