"""Read what a metric holds now, in the tests' one process (the default registry)."""

from __future__ import annotations

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The value of the sample `name` with `labels`; 0 for a series not yet recorded."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
