"""Today's contact plan, under /staff/plan/ in the `staff` namespace."""

from django.urls import path

from tactful.staff.plan import views

urlpatterns = [
    path("", views.plan_page, name="plan"),
    path("build/", views.build_plan, name="plan-build"),
]
