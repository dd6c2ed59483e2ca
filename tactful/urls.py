"""Routing: one include per face. Each face's package holds its pages and its URL names."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from tactful.api.root import api

# Staff reach the admin only after the second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("tactful.public.urls")),
    path("portal/", include("tactful.portal.urls")),
    path("staff/", include("tactful.staff.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
