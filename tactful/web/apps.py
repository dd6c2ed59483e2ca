from django.apps import AppConfig
from django.core.signals import request_finished


class WebConfig(AppConfig):
    name = "tactful.web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from tactful.web.telemetry import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="tactful.web.forget_request_id")
