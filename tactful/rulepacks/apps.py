from django.apps import AppConfig


class RulepacksConfig(AppConfig):
    name = "tactful.rulepacks"
    verbose_name = "Rule-pack proposals"
