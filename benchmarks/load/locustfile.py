"""Locust users for benchmarks/load/run.py: dialers and gateways asking for permits.

Each user picks a random borrower of the seeded book and asks `POST /api/v1/permits` for
either an automated reminder text or a collection call by the certified collector (half
each, as benchmarks/permit_load_bench.py does); for an allowed call it then reports how the
call ended (`POST /api/v1/permits/{id}/outcome`). Users wait for nothing between requests:
the load is as many requests in flight as there are users.

run.py hands over the book through the environment: LOAD_TARGETS (a JSON file of
[loan external id, recipient id] pairs), LOAD_TOKEN (an API key with `permits:write`) and
LOAD_COLLECTOR (the collector's username).
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path

from locust import FastHttpUser, task

TARGETS: list[list[str]] = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text())
TOKEN = os.environ["LOAD_TOKEN"]
COLLECTOR = os.environ["LOAD_COLLECTOR"]
# How calls end: most are not answered, as in a collection book.
CALL_OUTCOMES = ("connected", "no_answer", "no_answer", "failed")


def headers() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {TOKEN}",
        "Idempotency-Key": str(uuid.uuid4()),
        "Content-Type": "application/json",
    }


class Dialer(FastHttpUser):
    @task
    def contact(self) -> None:
        loan, recipient = random.choice(TARGETS)
        body: dict[str, object] = {"loan_external_id": loan, "recipient_id": recipient}
        call = random.random() < 0.5
        if call:
            body |= {"channel": "call", "purpose": "collection", "collector": COLLECTOR}
        else:
            body |= {"channel": "sms", "purpose": "reminder", "automated": True}
        with self.client.post(
            "/api/v1/permits",
            data=json.dumps(body),
            headers=headers(),
            name="POST /permits",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"status {answer.status_code}")
                return
            permit = answer.json()
        if call and permit["decision"] == "allow":
            self.report(permit["permit_id"])

    def report(self, permit_id: str) -> None:
        outcome = {"outcome": random.choice(CALL_OUTCOMES)}
        with self.client.post(
            f"/api/v1/permits/{permit_id}/outcome",
            data=json.dumps(outcome),
            headers=headers(),
            name="POST /permits/{id}/outcome",
            catch_response=True,
        ) as answer:
            if answer.status_code != 201:
                answer.failure(f"status {answer.status_code}")
