"""`/metrics`: the installation's figures in Prometheus's text format, for one reader.

The reader is whoever holds METRICS_TOKEN and sends it as `Authorization: Bearer TOKEN`.
Without METRICS_TOKEN the route answers 404, as if it did not exist; without the token, or
with another one, 401. The figures hold no personal data (tactful/telemetry/metrics.py
names every label), but they tell how much collection happens and when: not for everyone.

What the processes counted comes from the default registry (one process: tests, `make
run`) or, with PROMETHEUS_MULTIPROC_DIR, from the files every process of the machine
writes there. The task queue is read from the database at each scrape.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

# Importing the metrics declares them, so a scrape lists them all (at 0) from the start.
from tactful.telemetry import metrics as _declared  # noqa: F401

logger = logging.getLogger(__name__)
DEFAULT_QUEUE = "default"


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    token = str(settings.METRICS_TOKEN)
    if not token:
        raise Http404("metrics are not published")
    if not _bearer_matches(request, token):
        refusal = HttpResponse("a bearer token is needed\n", status=401, content_type="text/plain")
        refusal["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refusal
    return HttpResponse(generate_latest(_scrape()), content_type=CONTENT_TYPE_PLAIN_0_0_4)


def _bearer_matches(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _scrape() -> CollectorRegistry:
    registry = CollectorRegistry()
    directory = str(settings.PROMETHEUS_MULTIPROC_DIR)
    if directory:
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(TaskQueue())
    return registry


class _ThisProcess:
    """The default registry: what this process counted (one process, no shared folder)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class TaskQueue:
    """The tasks waiting for a worker, read from django-tasks' table at each scrape."""

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "tactful_task_queue_depth",
            "Tasks ready to run now and waiting for a worker, by queue.",
            labels=["queue"],
        )
        age = GaugeMetricFamily(
            "tactful_task_queue_oldest_age_seconds",
            "Seconds since the oldest of those tasks was enqueued, by queue (0: none waits).",
            labels=["queue"],
        )
        try:
            waiting = _waiting_tasks()
        except DatabaseError as error:
            # The rest of the figures are still worth a scrape; readiness reports the database.
            logger.warning("task queue not read: %s", type(error).__name__)
            return
        now = timezone.now()
        for queue in sorted({DEFAULT_QUEUE, *waiting}):
            count, oldest = waiting.get(queue, (0, now))
            depth.add_metric([queue], count)
            age.add_metric([queue], max((now - oldest).total_seconds(), 0.0))
        yield depth
        yield age


def _waiting_tasks() -> dict[str, tuple[int, datetime]]:
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(count=Count("id"), oldest=Min("enqueued_at"))
    )
    return {row["queue_name"]: (row["count"], row["oldest"]) for row in rows}
