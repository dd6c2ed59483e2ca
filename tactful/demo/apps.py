from django.apps import AppConfig
from django.core import checks


class DemoConfig(AppConfig):
    name = "tactful.demo"
    verbose_name = "Demo portfolio"

    def ready(self) -> None:
        from tactful.demo.doors import check_no_demo_doors

        # A deploy check, so `make test` still runs beside a demo database; the server
        # itself refuses to start through tactful.wsgi (demo.doors.refuse_to_serve).
        checks.register(check_no_demo_doors, checks.Tags.security, deploy=True)
