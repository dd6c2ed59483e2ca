"""The cast of the call QA tests: a borrower with an overdue loan, a certified collector who
called under a permit, another collector, a supervisor and a compliance officer; the fake
speech engine; recordings kept in a temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tactful.accounts.roles import Role
from tactful.callqa.engines import use_speech_engine
from tactful.contacts.facts import PermitRequest
from tactful.contacts.services import certify_collector, recipients_for_borrower, request_permit
from tactful.inspection.fake_speech import FakeSpeechEngine, scripted
from tactful.inspection.speech import Transcript
from tactful.testing.api import create_loan
from tactful.testing.personas import FIRST_PHONE, make_borrower, make_staff

NOW = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)  # Monday 13:30 in Asia/Shanghai
ABUSIVE_CALL = scripted(
    "您好，我是小鹿金融的客服。",
    "你这个老赖，再不还钱我就爆你通讯录。",
    "我是区公安局经侦大队的，你已经被立案了。",
)
POLITE_CALL = scripted("您好，您的账单已逾期三天，如有困难可以申请分期。")
DISTRESS_CALL = scripted("请问您什么时候方便还款？", "我失业了，真的撑不下去了，不想活了。")
JOB_LOSS_CALL = scripted("请问您什么时候方便还款？", "厂子上个月倒闭了，我现在没有收入。")


@pytest.fixture(autouse=True)
def _recordings_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


class ScriptByContent(FakeSpeechEngine):
    """Stored recordings get new names, so the test files say which script they are."""

    def transcribe(self, path: Path) -> Transcript:
        script = path.read_bytes().removeprefix(b"FAKE:").decode(errors="replace")
        return super().transcribe(Path(script))


@pytest.fixture
def engine() -> Iterator[FakeSpeechEngine]:
    fake = ScriptByContent(
        {
            "abusive.wav": ABUSIVE_CALL,
            "polite.wav": POLITE_CALL,
            "distress.wav": DISTRESS_CALL,
            "job_loss.wav": JOB_LOSS_CALL,
        }
    )
    use_speech_engine(fake)
    yield fake
    use_speech_engine(None)


@pytest.fixture
def borrower(db):
    return make_borrower(external_id="b-1", phone=FIRST_PHONE, name="王小明")


@pytest.fixture
def loan(borrower):
    return create_loan("l-1", borrower)


@pytest.fixture
def recipient(borrower):
    [own_number] = recipients_for_borrower(borrower=borrower)
    return own_number


def _certified(username: str):
    user = make_staff(username, Role.COLLECTOR)
    certify_collector(
        collector=user,
        certificate_number=f"CBA-{username}",
        valid_from=min(NOW, timezone.now()) - timedelta(days=30),
        valid_until=max(NOW, timezone.now()) + timedelta(days=365),
        actor="test",
    )
    return user


@pytest.fixture
def collector(db):
    return _certified("wang.collector")


@pytest.fixture
def other_collector(db):
    return _certified("li.collector")


@pytest.fixture
def supervisor(db):
    return make_staff("zhao.supervisor", Role.SUPERVISOR)


@pytest.fixture
def compliance(db):
    return make_staff("qian.compliance", Role.COMPLIANCE)


@pytest.fixture
def permit(loan, recipient, collector):
    attempt = request_permit(
        request=PermitRequest(
            loan=loan,
            recipient=recipient,
            channel="call",
            purpose="collection",
            collector=collector,
        ),
        actor="test",
        now=NOW,
    )
    assert attempt.allowed, attempt.reasons
    return attempt


def wav(name: str = "abusive.wav", body: bytes | None = None) -> SimpleUploadedFile:
    """Return an upload whose content names the fake engine's script (`name` by default)."""
    content = f"FAKE:{name}".encode() if body is None else body
    return SimpleUploadedFile(name, content, content_type="audio/wav")
