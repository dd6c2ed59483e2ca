from django.urls import include, path

from tactful.contacts import views as contacts_views
from tactful.web import staff_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("staff/", staff_views.staff_home, name="staff-home"),
    path("staff/login/", staff_views.staff_login, name="staff-login"),
    path("staff/otp/setup/", staff_views.totp_setup, name="staff-otp-setup"),
    path("staff/sign-out/", staff_views.staff_sign_out, name="staff-sign-out"),
    path("staff/contacts/", contacts_views.contact_lookup, name="staff-contacts"),
    path("staff/contacts/check/", contacts_views.contact_check, name="staff-contacts-check"),
    path("staff/contacts/reveal/", contacts_views.contact_reveal, name="staff-contacts-reveal"),
    path("staff/recordings/", include("tactful.callqa.urls")),
    path("staff/complaints/", include("tactful.complaints.staff_urls")),
    path("staff/rights/", include("tactful.consent.desk_urls")),
    path("staff/plan/", include("tactful.treatments.urls")),
    path("demo/outbox/", views.demo_outbox, name="demo-outbox"),
]
