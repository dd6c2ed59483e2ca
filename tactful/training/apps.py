from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tactful.training"
    verbose_name = "Training"
