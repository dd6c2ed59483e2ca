from django.urls import path

from tactful.staff.message_templates import views

urlpatterns = [
    path("", views.library, name="templates"),
    path("<uuid:reference>/approve/", views.approve, name="template-approve"),
]
