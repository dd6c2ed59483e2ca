"""``manage.py rundemo``, what ``make run`` starts: web server, task worker and scheduler.

1. Prepare the database and static files, and seed the demo portfolio on first start.
2. Start the web server, the task worker and the scheduler as child processes in demo mode.
3. Wait until the site answers, then print where to go and how to sign in.
4. Pass Ctrl-C or SIGTERM on to all; stop when any child stops, with its status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from tactful.demo.selectors import has_borrowers, phone_per_bucket
from tactful.demo.staff import DEMO_PASSWORD, DEMO_STAFF
from tactful.environment import Environment

DEMO_BORROWERS = 200
DEMO_SEED = 7
READY_TIMEOUT_SECONDS = 20
STOP_TIMEOUT_SECONDS = 10


def demo_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """Return the environment of the children: demo mode unless the caller said otherwise."""
    env = dict(environ)
    env.setdefault("TACTFUL_DEMO", "true")
    env.setdefault("DJANGO_SETTINGS_MODULE", "tactful.settings")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # A fictional number (NANP's 555-0100 block is reserved for fiction), so /verify/ can
    # be tried by number too.
    env.setdefault("LENDER_CALLER_NUMBERS", "+12025550100")
    return env


def needs_seeding() -> bool:
    """Seed only a database without borrowers: a restart keeps what visitors did."""
    return not has_borrowers()


def demo_processes(port: str) -> list[tuple[str, ...]]:
    """The Django commands the demo runs side by side."""
    return [
        ("runserver", f"127.0.0.1:{port}", "--noreload"),
        ("db_worker",),
        # The nightly and hourly jobs (docs/operations.md), so the demo moves on by itself.
        ("scheduler",),
    ]


def django_command(*arguments: str) -> list[str]:
    # `python -m django` works from a checkout and from an installed package alike.
    return [sys.executable, "-m", "django", *arguments]


class Command(BaseCommand):
    help = "Run the demo: prepare the database, then serve the site, run tasks and scheduled jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        env = demo_environment(os.environ)
        port = env.get("PORT", "8000")
        self._prepare(env)
        children = [self._start(env, *arguments) for arguments in demo_processes(port)]
        stop = _Forwarder(children)
        base_url = f"http://127.0.0.1:{port}"
        if _wait_until_answering(base_url, children):
            self.stdout.write(self._banner(base_url, env))
        elif all(child.poll() is None for child in children):
            self.stdout.write(f"{base_url}/ did not answer within {READY_TIMEOUT_SECONDS} s.")
        status = _supervise(children, stop)
        if status:
            raise CommandError(f"a demo process stopped with status {status}", returncode=status)

    def _prepare(self, env: dict[str, str]) -> None:
        self._run(env, "migrate", "--noinput", "-v0")
        self._run(env, "collectstatic", "--noinput", "-v0")
        # Our own connection may predate the migration; ask afresh.
        connections.close_all()
        if needs_seeding():
            self.stdout.write(f"First start: seeding {DEMO_BORROWERS} fictional borrowers ...")
            self._run(env, "seed_demo", f"--borrowers={DEMO_BORROWERS}", f"--seed={DEMO_SEED}")

    def _run(self, env: dict[str, str], *arguments: str) -> None:
        result = subprocess.run(django_command(*arguments), env=env, check=False)
        if result.returncode:
            raise CommandError(f"{' '.join(arguments[:1])} failed", returncode=result.returncode)

    def _start(self, env: dict[str, str], *arguments: str) -> subprocess.Popen[bytes]:
        # A session of their own: Ctrl-C reaches only us, and we pass it on exactly once.
        return subprocess.Popen(django_command(*arguments), env=env, start_new_session=True)

    def _banner(self, base_url: str, env: dict[str, str]) -> str:
        return "\n".join(
            [
                "",
                f"Tactful demo is running at {base_url}/  (Ctrl-C stops it)",
                "",
                *_borrower_lines(base_url),
                *_staff_lines(base_url, env),
                f"  API docs         {base_url}/api/v1/docs",
                f"    the OpenAPI document: {base_url}/api/v1/openapi.json",
                "",
            ]
        )


def _borrower_lines(base_url: str) -> list[str]:
    phones = phone_per_bucket(today=timezone.now().date())
    outbox = f"{base_url}{reverse('public:demo-outbox')}"
    return [
        f"  Borrower portal  {base_url}{reverse('portal:sign-in')}  with one of these numbers:",
        *(f"      {phone}  (a loan in {bucket})" for bucket, phone in phones.items()),
        f"    the sign-in code arrives in the demo outbox: {outbox}",
        "",
    ]


def _staff_lines(base_url: str, env: dict[str, str]) -> list[str]:
    if not Environment(env).flag("TACTFUL_DEMO", False):
        return ["  Staff            no demo accounts: TACTFUL_DEMO is off", ""]
    usernames = ", ".join(staff.username for staff in DEMO_STAFF)
    return [
        f"  Staff            {base_url}{reverse('staff:login')}  and  {base_url}/admin/",
        f"    usernames {usernames}; password {DEMO_PASSWORD}",
        "    the second-factor code: "
        "TACTFUL_DEMO=true .venv/bin/python manage.py demo_totp USERNAME",
        "",
    ]


class _Forwarder:
    """Pass SIGINT and SIGTERM on to the children, once each."""

    def __init__(self, children: list[subprocess.Popen[bytes]]) -> None:
        self.children = children
        self.stopping = False
        signal.signal(signal.SIGINT, self._forward)
        signal.signal(signal.SIGTERM, self._forward)

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signum)


def _wait_until_answering(base_url: str, children: list[subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        if _answers(f"{base_url}/"):
            return True
        time.sleep(0.3)
    return False


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


def _supervise(children: list[subprocess.Popen[bytes]], stop: _Forwarder) -> int:
    """Wait until a child exits, stop the others, and return the first one's status."""
    while True:
        for child in children:
            status = child.poll()
            if status is not None:
                _stop_all(children)
                # Stopped by our own forwarded signal: a clean exit, whatever the child said.
                return 0 if stop.stopping else _as_exit_status(status)
        time.sleep(0.2)


def _stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _as_exit_status(status: int) -> int:
    # Popen reports death by signal N as -N; shells report it as 128 + N.
    return 128 - status if status < 0 else status
