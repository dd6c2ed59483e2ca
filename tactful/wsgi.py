"""WSGI entry point for production servers (gunicorn, uWSGI) and `runserver`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
application = get_wsgi_application()

# Imported once Django is set up: it reads the database.
from tactful.demo.doors import refuse_to_serve  # noqa: E402

refuse_to_serve()
