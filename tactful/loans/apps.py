from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "tactful.loans"
    verbose_name = "Loans and ledger"
