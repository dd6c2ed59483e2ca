"""Sign-in by one-time code, sign-out, the borrower's loans."""

from django.urls import path

from tactful.portal.account import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("loans/<uuid:reference>/", views.loan_detail, name="loan"),
    path("loans/<uuid:reference>/pay/", views.pay, name="pay"),
]
