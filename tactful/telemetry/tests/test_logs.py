"""One JSON object per line, with the request's id and nothing else of the record."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from tactful.telemetry.logs import (
    JsonFormatter,
    RequestIdFilter,
    current_request_id,
    request_id_from,
    serving_request,
)


def record(message: str = "hello %s", *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("tactful.test", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def formatted(made: logging.LogRecord) -> dict[str, object]:
    line = JsonFormatter().format(made)
    assert "\n" not in line
    parsed: dict[str, object] = json.loads(line)
    return parsed


def test_a_line_has_the_time_in_utc_the_level_the_logger_and_the_message():
    made = record("hello %s", "world")
    made.created = 1772429400.25  # 2026-03-02 05:30:00.250 UTC

    assert formatted(made) == {
        "time": "2026-03-02T05:30:00.250Z",
        "level": "WARNING",
        "logger": "tactful.test",
        "message": "hello world",
        "request_id": None,
    }


def test_a_line_written_while_serving_a_request_carries_its_id():
    with serving_request("abc-123"):
        inside = formatted(record())
    assert inside["request_id"] == "abc-123"
    assert formatted(record())["request_id"] is None
    assert current_request_id() is None


def test_the_request_line_adds_method_route_status_and_duration():
    fields = {"method": "GET", "route": "portal:loan", "status": 200, "duration_ms": 12.5}

    line = formatted(record("GET portal:loan 200", **fields))

    assert {name: line[name] for name in fields} == fields


def test_djangos_refusals_say_their_status():
    assert formatted(record("Not Found: /x", status_code=404))["status"] == 404


def test_nothing_else_of_a_record_is_written():
    """Django hangs the request on its records; a form or a session must not reach a log."""
    line = formatted(record(request=object(), phone="+8613123456789", args_extra=[1]))

    assert set(line) == {"time", "level", "logger", "message", "request_id"}


def test_a_message_with_line_breaks_and_chinese_stays_one_readable_line():
    line = JsonFormatter().format(record("第一行\n第二行"))

    assert "\n" not in line
    assert json.loads(line)["message"] == "第一行\n第二行"
    assert "第一行" in line


def test_an_exception_is_written_with_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        made = record(exc_info=sys.exc_info())

    assert "ValueError: boom" in str(formatted(made)["exception"])


def test_the_filter_puts_the_id_on_records_for_text_formats():
    made = record()
    with serving_request("r-1"):
        assert RequestIdFilter().filter(made)
    assert logging.Formatter("[%(request_id)s] %(message)s").format(made) == "[r-1] hello %s"


@pytest.mark.parametrize(
    "given",
    ["3f2b9c1e-8d4a-4e1b-9c7f-2a6d8e0b5c31", "req_42", "edge:7.a-b", "x" * 64],
)
def test_a_well_formed_caller_id_is_kept(given):
    assert request_id_from(given) == given


@pytest.mark.parametrize(
    "given",
    [None, "", "x" * 65, "has space", 'quote"', "new\nline", "<script>", "中文", "a/b", "+86"],
)
def test_any_other_caller_id_is_replaced_by_a_new_one(given):
    made = request_id_from(given)

    assert made != given
    assert len(made) == 32
    assert request_id_from(given) != made  # new each time
