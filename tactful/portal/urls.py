"""The borrower portal, under /portal/ in the `portal` namespace: one include per topic."""

from django.urls import include, path

app_name = "portal"
urlpatterns = [
    path("", include("tactful.portal.account.urls")),
    path("help/", include("tactful.portal.help.urls")),
    path("complaints/", include("tactful.portal.complaints.urls")),
    path("privacy/", include("tactful.portal.privacy.urls")),
    path("terms/", include("tactful.portal.terms.urls")),
    path("privacy/rights/", include("tactful.portal.rights.urls")),
]
