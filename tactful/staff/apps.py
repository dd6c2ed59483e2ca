from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "tactful.staff"
    verbose_name = "Staff pages"
