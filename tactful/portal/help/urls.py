"""Help to repay: budget planner, plans, hardship pauses, promises, auto-debit, points."""

from django.urls import path

from tactful.portal.help import views

urlpatterns = [
    path("", views.help_home, name="help"),
    path("budget/", views.budget, name="budget"),
    path("points/", views.points, name="points"),
    path("loans/<uuid:reference>/plans/", views.plans, name="plans"),
    path("offers/<uuid:reference>/", views.offer, name="offer"),
    path("offers/<uuid:reference>/accept/", views.accept, name="accept"),
    path("loans/<uuid:reference>/hardship/", views.hardship, name="hardship"),
    path("loans/<uuid:reference>/hardship/resume/", views.resume, name="resume"),
    path("loans/<uuid:reference>/promise/", views.promise, name="promise"),
    path("loans/<uuid:reference>/auto-debit/", views.auto_debit, name="auto-debit"),
    path(
        "loans/<uuid:reference>/auto-debit/cancel/",
        views.cancel_auto_debit,
        name="auto-debit-cancel",
    ),
]
