"""Test set-up shared by every app: static files, fast hashing, tasks run at once, SMS captured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tactful.messaging.fake import InMemorySmsSender


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists() -> None:
    """WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT is missing."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_and_contained(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Each test's signed checkpoints vouch for its own database only.
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[InMemorySmsSender]:
    """Every SMS a test causes lands here instead of any gateway."""
    from tactful.messaging.services import use_sms_sender

    sender = InMemorySmsSender()
    use_sms_sender(sender)
    yield sender
    use_sms_sender(None)
