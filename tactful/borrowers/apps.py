from django.apps import AppConfig


class BorrowersConfig(AppConfig):
    name = "tactful.borrowers"
    verbose_name = "Borrowers"
