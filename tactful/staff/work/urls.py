from django.urls import path

from tactful.staff.work import views

urlpatterns = [
    path("", views.worklist, name="work"),
    path("<str:loan_id>/", views.account, name="work-account"),
    path("<str:loan_id>/act/", views.act, name="work-act"),
    path("<str:loan_id>/reveal/", views.reveal, name="work-reveal"),
]
