"""The metrics the processes record, read by Prometheus at `/metrics`.

Every label value comes from a closed list: a decision, a channel, a rule category, a
route's name, a job's name. Never an id, a phone number or a name: a label is stored and
shown as it is, to whoever reads the metrics.

The web server runs several processes, and the task workers and the scheduler run beside
it. With PROMETHEUS_MULTIPROC_DIR set, prometheus_client (choosing at its import, from the
environment) writes each process's values to files in that folder, and `/metrics` adds up
the files of every process of the machine (docs/deployment.md, "Metrics"). Without it, the
values live in the process that recorded them: tests and `make run`.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Histogram, disable_created_metrics

from tactful.policy.types import CATEGORIES, CHANNELS, VERDICTS

# A permit takes milliseconds; the tail is a lock held by a parallel request.
_PERMIT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# An hourly job takes seconds; the nightly plan may take most of an hour.
_JOB_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0)
DEBIT_RESULTS = ("collected", "failed", "unknown")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# No `*_created` series beside each counter: multiprocess mode has none, and a scrape
# reads the same in both modes.
disable_created_metrics()  # type: ignore[no-untyped-call]

PERMITS = Counter(
    "tactful_permits",
    "Permits decided and recorded, by decision (allow, deny) and channel.",
    ["decision", "channel"],
)
PERMIT_DENIALS = Counter(
    "tactful_permit_denials",
    "Denied permits by the category of each rule that refused them (one denial may count "
    "in several categories) and channel.",
    ["category", "channel"],
)
PERMIT_SECONDS = Histogram(
    "tactful_permit_decision_seconds",
    "Time to decide and record one permit: the person's lock, the facts, the gate, the write.",
    ["channel"],
    buckets=_PERMIT_BUCKETS,
)
HTTP_REQUESTS = Counter(
    "tactful_http_requests",
    "Requests answered, by route name (never the path), method and status.",
    ["route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "tactful_http_request_duration_seconds",
    "Time from the request's arrival at Django to its answer, by route name and method.",
    ["route", "method"],
)
JOB_RUNS = Counter(
    "tactful_scheduler_job_runs",
    "Runs of the scheduled jobs, by job and outcome (succeeded, failed).",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "tactful_scheduler_job_duration_seconds",
    "How long each run of a scheduled job took, by job.",
    ["job"],
    buckets=_JOB_BUCKETS,
)
DEBIT_RUNS = Counter("tactful_auto_debit_runs", "Auto-debit runs finished.")
DEBIT_CHARGES = Counter(
    "tactful_auto_debit_charges",
    "Auto-debit charges by result: collected, failed, or unknown (no answer from the "
    "processor: asked again by the next run).",
    ["result"],
)
DEBIT_RESUMED = Counter(
    "tactful_auto_debit_resumed",
    "Charges an earlier run claimed and did not finish, taken up again by a later run.",
)

# Every series a dashboard sums exists from the start, at 0: a rate over a series that
# appears only with its first event misses that event.
for _channel in CHANNELS:
    PERMIT_SECONDS.labels(_channel)
    for _verdict in VERDICTS:
        PERMITS.labels(_verdict, _channel)
for _category in CATEGORIES:
    for _channel in CHANNELS:
        PERMIT_DENIALS.labels(_category, _channel)
for _result in DEBIT_RESULTS:
    DEBIT_CHARGES.labels(_result)


def record_permit(
    *, decision: str, channel: str, categories: Iterable[str], seconds: float
) -> None:
    """Count one recorded permit, its denial's categories, and the time it took."""
    PERMITS.labels(decision, channel).inc()
    for category in categories:
        PERMIT_DENIALS.labels(category, channel).inc()
    PERMIT_SECONDS.labels(channel).observe(seconds)


def record_request(*, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request; `route` is the URL pattern's name, never the path."""
    method = method if method in HTTP_METHODS else "other"
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route, method).observe(seconds)


def record_job_run(*, job: str, outcome: str, seconds: float) -> None:
    """Count one finished run of a scheduled job."""
    JOB_RUNS.labels(job, outcome).inc()
    JOB_SECONDS.labels(job).observe(seconds)


def record_debit_run(*, collected: int, failed: int, unknown: int, resumed: int) -> None:
    """Count one finished auto-debit run and the results of its charges."""
    DEBIT_RUNS.inc()
    for result, count in zip(DEBIT_RESULTS, (collected, failed, unknown), strict=True):
        DEBIT_CHARGES.labels(result).inc(count)
    DEBIT_RESUMED.inc(resumed)
