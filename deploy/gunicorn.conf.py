"""The production web server's settings: `gunicorn tactful.wsgi -c deploy/gunicorn.conf.py`.

A fixed number of processes and threads, so the database sees a known number of
connections: at most WEB_WORKERS x DATABASE_POOL_SIZE from the web server
(docs/deployment.md, "Connections"). Each thread serves one request at a time; with as
many threads as pooled connections, no request waits for one.

Every value comes from the environment, as Tactful's own settings do:

    WEB_HOST, PORT                  where to listen (0.0.0.0:8000)
    WEB_WORKERS, WEB_THREADS        processes (2), threads each (DATABASE_POOL_SIZE, 8)
    WEB_TIMEOUT_SECONDS             a request still running after this is killed (120)
    WEB_GRACEFUL_TIMEOUT_SECONDS    on stop or reload, time to finish requests (30)
    WEB_KEEPALIVE_SECONDS           an idle keep-alive connection is closed after (5)
    WEB_ACCESS_LOG                  off: Tactful writes its own line per request (LOG_FORMAT
                                    json); on: gunicorn's line too, path without query
    LOG_FORMAT                      json: gunicorn's lines are JSON like Tactful's
    PROMETHEUS_MULTIPROC_DIR        the folder where each process writes its metrics
"""

import os


def _integer(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, got {raw!r}")
    return int(raw)


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise SystemExit(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


bind = f"{os.environ.get('WEB_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = _integer("WEB_WORKERS", 2)
threads = _integer("WEB_THREADS", _integer("DATABASE_POOL_SIZE", 8))
worker_class = "gthread"
# Call recordings are uploaded whole; give them time, but not forever.
timeout = _integer("WEB_TIMEOUT_SECONDS", 120)
graceful_timeout = _integer("WEB_GRACEFUL_TIMEOUT_SECONDS", 30)
keepalive = _integer("WEB_KEEPALIVE_SECONDS", 5)
# Stopped and reloaded by signals (systemd, deploy/run-local.sh); gunicorn's control socket
# would be one path in the home folder shared by every server the user runs.
control_socket_disable = True

_log_format = _choice("LOG_FORMAT", "text", ("text", "json"))
_access_log = _choice("WEB_ACCESS_LOG", "off", ("off", "on"))
# The path without its query string: no page puts a number there, and none goes into a log
# (docs/security.md, "Logs"). The request's id is in the answer's header.
access_log_format = "%(m)s %(U)s %(s)s %(M)sms %({x-request-id}o)s"
accesslog = "-" if _access_log == "on" else None
errorlog = "-"

if _log_format == "json":
    # gunicorn's own lines (starting, a worker timed out) in the format of Tactful's.
    logconfig_dict = {
        "formatters": {"json": {"()": "tactful.telemetry.logs.JsonFormatter"}},
        "filters": {"request_id": {"()": "tactful.telemetry.logs.RequestIdFilter"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            },
        },
        # Tactful's settings configure the root logger in each worker.
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {
                "level": "INFO" if _access_log == "on" else "CRITICAL",
                "handlers": ["json"] if _access_log == "on" else [],
                "propagate": False,
            },
        },
    }


def child_exit(server, worker):
    """A worker is gone: its live gauges no longer count (counters and histograms stay)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
