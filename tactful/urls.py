from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from tactful.api.root import api

# Staff reach the admin only after the second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("tactful.web.urls")),
    path("", include("tactful.consent.urls")),
    path("portal/help/", include("tactful.repayment.urls")),
    path("portal/complaints/", include("tactful.complaints.portal_urls")),
    path("complaints/", include("tactful.complaints.urls")),
    path("portal/", include("tactful.portal.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
