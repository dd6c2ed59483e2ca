"""The production web server's settings: `gunicorn tactful.wsgi` reads this file.

A fixed number of processes and threads, so the database sees a known number of
connections: at most WEB_WORKERS x DATABASE_POOL_SIZE from the web server (docs/security.md,
"Connections"). Each thread serves one request at a time; with as many threads as pooled
connections, no request waits for one.
"""

import os

bind = f"{os.environ.get('WEB_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", os.environ.get("DATABASE_POOL_SIZE", "8")))
worker_class = "gthread"
# Call recordings are uploaded whole; give them time, but not forever.
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS", "120"))
# The access log records paths and status codes: never a query string with a number in it,
# because the pages never put one there (docs/security.md, "Logs").
accesslog = "-"
