"""Each request: an id it is answered with and logged under, and metrics by route name."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY, generate_latest

from tactful.testing.logs import json_logs
from tactful.testing.metrics import sample
from tactful.web.telemetry import UNMATCHED

pytestmark = pytest.mark.django_db


def test_a_request_without_an_id_is_answered_with_a_new_one():
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]

    assert len(first) == 32
    assert first != second


def test_a_well_formed_id_from_the_caller_comes_back():
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})

    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize("given", ["x" * 65, "two words", "<b>", "a\tb"])
def test_an_ill_formed_id_is_replaced(given):
    response = Client().get("/healthz", headers={"X-Request-ID": given})

    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_every_line_logged_while_serving_a_request_carries_its_id():
    with json_logs() as logs:
        response = Client().get("/no-such-page/", headers={"X-Request-ID": "trace-1"})

    assert response.status_code == 404
    lines = logs.lines()
    refusal = [line for line in lines if line["logger"] == "django.request"]
    request = [line for line in lines if line["logger"] == "tactful.request"]
    assert [line["status"] for line in refusal] == [404]
    assert {line["request_id"] for line in refusal + request} == {"trace-1"}


def test_the_request_line_names_method_route_status_and_time_never_the_path():
    with json_logs() as logs:
        response = Client().get("/portal/loans/6f1c2b9e-0d4a-4c8e-9b7a-3e5d1f2a4c60/")

    [line] = [line for line in logs.lines() if line["logger"] == "tactful.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["route"], line["status"]) == ("GET", "portal:loan", 302)
    assert isinstance(line["duration_ms"], float)
    assert "6f1c2b9e" not in str(line)


def test_requests_are_counted_and_timed_by_route_name():
    counted = {"route": "public:healthz", "method": "GET", "status": "200"}
    before = sample("tactful_http_requests_total", **counted)
    timed = sample(
        "tactful_http_request_duration_seconds_count", route="public:healthz", method="GET"
    )

    Client().get("/healthz")

    assert sample("tactful_http_requests_total", **counted) == before + 1
    assert sample(
        "tactful_http_request_duration_seconds_count", route="public:healthz", method="GET"
    ) == timed + 1  # fmt: skip


def test_an_address_that_matches_no_route_is_counted_without_its_path():
    counted = {"route": UNMATCHED, "method": "GET", "status": "404"}
    before = sample("tactful_http_requests_total", **counted)

    Client().get("/verify/8613123456789/nothing/")

    assert sample("tactful_http_requests_total", **counted) == before + 1
    assert b"8613123456789" not in generate_latest(REGISTRY)


def test_probes_that_pass_are_logged_at_debug_and_refusals_at_info(settings):
    settings.METRICS_TOKEN = "t" * 40
    with json_logs() as logs:
        Client().get("/healthz")
        Client().get("/metrics")

    levels = {line["route"]: line["level"] for line in logs.lines() if "route" in line}
    assert levels == {"public:healthz": "DEBUG", "public:metrics": "INFO"}
