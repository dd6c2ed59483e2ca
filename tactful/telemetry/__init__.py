"""What the processes tell the people who run them: metrics and the log format.

No Django here, so that every layer above may record to it and the web server's own
configuration (deploy/gunicorn.conf.py) may use the log format before Django starts.
`metrics` is read at `/metrics` (tactful/public/health/metrics.py); `logs` formats every
line and carries the request's id (the middleware in tactful/web/telemetry.py sets it).
docs/deployment.md, "Metrics" and "Logs", lists what each holds.
"""
