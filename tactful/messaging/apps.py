from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "tactful.messaging"
    verbose_name = "Messaging"
