import os
import subprocess
import sys
from datetime import time

import pytest
from django.conf import settings

from tactful.contacts.packs import configured_pack, opening_hours

# The pack in force is read from the approved proposals (tactful.rulepacks).
pytestmark = pytest.mark.django_db


def test_the_configured_pack_is_cn_by_default():
    pack = configured_pack()

    assert (pack.name, pack.version) == ("cn", "2026.12.1")


def test_the_pack_follows_the_setting(settings):
    settings.GATE_PACK = "us"

    assert configured_pack().name == "us"


def test_opening_hours_come_from_the_pack():
    assert opening_hours("sms", "debtor", "service") == (time(8), time(22))
    assert opening_hours("letter", "debtor", "service") is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"GATE_PACK": "atlantis"}, "GATE_PACK"),
        ({"GATE_PACK_OVERRIDE": "/nonexistent/override.yaml"}, "cannot be read"),
    ],
)
def test_a_bad_gate_setting_stops_the_process_at_start(variables, message):
    environment = {**os.environ, "TACTFUL_VAR_DIR": str(settings.VAR_DIR), **variables}

    result = subprocess.run(
        [sys.executable, "-c", "import tactful.settings"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_a_traditional_reader_gets_pack_words_in_traditional_characters():
    from django.utils import translation

    from tactful.contacts.packs import text_for_reader

    messages = {
        "en": "Contact is allowed only from 08:00.",
        "zh-Hans": "仅可在收件人当地时间联系。",
    }
    with translation.override("zh-hant"):
        assert text_for_reader(messages, "") == "僅可在收件人當地時間聯絡。"
    with translation.override("zh-hans"):
        assert text_for_reader(messages, "") == "仅可在收件人当地时间联系。"
    with translation.override("en"):
        assert text_for_reader(messages, "") == "Contact is allowed only from 08:00."


def test_a_traditional_reader_gets_a_content_rules_own_traditional_words():
    from datetime import UTC, datetime

    from django.utils import translation

    from tactful.contacts.decisions import stored_reasons
    from tactful.contacts.packs import message_for_reader
    from tactful.policy import Attempt, Facts, decide

    threat = Attempt(
        channel="sms",
        recipient="r-1",
        recipient_role="debtor",
        purpose="collection",
        recipient_timezone="Asia/Shanghai",
        collector_certified=True,
        content="我知道你女儿在哪个学校上学。",
    )
    decision = decide(
        threat, Facts(days_past_due=10), datetime(2026, 5, 11, 3, tzinfo=UTC), configured_pack()
    )
    [reason] = stored_reasons(decision)

    assert reason["rule"] == "cn.soft_violence2019.no_threats"
    with translation.override("zh-hant"):
        assert message_for_reader(reason) == "該訊息威脅要傷害對方本人、家人或財產。"
    with translation.override("zh-hans"):
        assert message_for_reader(reason) == "该消息威胁要伤害对方本人、家人或财产。"
