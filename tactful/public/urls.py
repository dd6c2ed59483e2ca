"""Pages for anyone, signed in or not, in the `public` namespace."""

from django.urls import include, path

from tactful.public.health import metrics
from tactful.public.health import views as health
from tactful.public.help import views as help_pages
from tactful.public.home import views as home

app_name = "public"
urlpatterns = [
    path("", home.home, name="home"),
    path("demo/outbox/", home.demo_outbox, name="demo-outbox"),
    path("demo/checkout/<uuid:reference>/", home.demo_checkout, name="demo-checkout"),
    path("help/", help_pages.rights_and_help, name="help"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("verify/", include("tactful.public.verification.urls")),
    path("verify/rights/", include("tactful.public.third_parties.urls")),
    path("invitation/", include("tactful.public.verification.invitation_urls")),
    path("complaints/", include("tactful.public.complaints.urls")),
]
