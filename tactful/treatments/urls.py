"""The plan's staff pages, included under /staff/plan/ in the web app's namespace."""

from django.urls import path

from tactful.treatments import views

urlpatterns = [
    path("", views.plan_page, name="treatments-plan"),
    path("build/", views.build_plan, name="treatments-plan-build"),
]
