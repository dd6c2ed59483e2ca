from django.apps import AppConfig


class RepaymentConfig(AppConfig):
    name = "tactful.repayment"
    verbose_name = "Help to repay"
