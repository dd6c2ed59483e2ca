import pytest
from django.core.exceptions import ImproperlyConfigured

from tactful.environment import Environment


def test_flag_reads_common_spellings():
    env = Environment({"A": "true", "B": "0", "C": "Yes"})
    assert (env.flag("A", False), env.flag("B", True), env.flag("C", False)) == (True, False, True)


def test_flag_rejects_anything_else_with_the_variable_name():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        Environment({"DEBUG": "maybe"}).flag("DEBUG", False)


def test_integer_rejects_text_and_values_below_minimum():
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT must be an integer"):
        Environment({"AXES_FAILURE_LIMIT": "five"}).integer("AXES_FAILURE_LIMIT", 5)
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        Environment({"N": "0"}).integer("N", 5, minimum=1)


def test_choice_names_the_allowed_values():
    with pytest.raises(ImproperlyConfigured, match="SMS_BACKEND must be one of outbox"):
        Environment({"SMS_BACKEND": "carrier-pigeon"}).choice("SMS_BACKEND", "outbox", ("outbox",))


def test_time_zone_takes_an_iana_name_and_names_the_variable_otherwise():
    assert Environment({}).time_zone("SCHEDULE_TIME_ZONE", "Asia/Shanghai") == "Asia/Shanghai"
    assert (
        Environment({"SCHEDULE_TIME_ZONE": "America/New_York"}).time_zone(
            "SCHEDULE_TIME_ZONE", "Asia/Shanghai"
        )
        == "America/New_York"
    )
    for wrong in ("Mars/Olympus_Mons", "../etc/passwd", "+08:00", "localtime", "Factory"):
        with pytest.raises(ImproperlyConfigured, match="SCHEDULE_TIME_ZONE must be an IANA"):
            Environment({"SCHEDULE_TIME_ZONE": wrong}).time_zone("SCHEDULE_TIME_ZONE", "UTC")


def test_secret_reads_a_file_and_fails_on_a_missing_one(tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("s3cret\n")
    assert Environment({"KEY_FILE": str(secret_file)}).secret("KEY") == "s3cret"
    with pytest.raises(ImproperlyConfigured, match="KEY_FILE"):
        Environment({"KEY_FILE": str(tmp_path / "missing")}).secret("KEY")


def test_settings_module_fails_at_start_on_a_bad_value(tmp_path):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import tactful.settings"],
        env={**os.environ, "DEBUG": "perhaps", "TACTFUL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG must be true or false, got 'perhaps'" in result.stderr


def test_settings_module_refuses_an_unknown_schedule_time_zone(tmp_path):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import tactful.settings"],
        env={**os.environ, "SCHEDULE_TIME_ZONE": "Asia/Beijing", "TACTFUL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SCHEDULE_TIME_ZONE must be an IANA time zone" in result.stderr


def test_settings_module_rejects_overlapping_buckets(tmp_path):
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import tactful.settings"],
        env={
            **os.environ,
            "DELINQUENCY_BUCKETS": "M0:0-0,M1:1-40,M2:31-60,M3+:61-",
            "TACTFUL_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DELINQUENCY_BUCKETS" in result.stderr


def test_settings_module_refuses_a_bad_index_key_naming_the_variable_not_the_key(tmp_path):
    import os
    import subprocess
    import sys

    from tactful.privacy.keys import new_key

    short_key = "c2hvcnQta2V5LXZhbHVl"  # base64 of 15 bytes: too short for a key
    result = subprocess.run(
        [sys.executable, "-c", "import tactful.settings"],
        env={
            **os.environ,
            "PII_KEYS": f"k1:{new_key()}",
            "PII_INDEX_KEYS": f"i2:{short_key}",
            "TACTFUL_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "PII_INDEX_KEYS key 'i2' must be 32 bytes" in result.stderr
    assert short_key not in result.stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "10 5"),
        ({"ONE_TIME_CODE_MINUTES": "15", "ONE_TIME_CODE_ATTEMPTS": "3"}, "15 3"),
        # The older names still configure every one-time code.
        ({"BORROWER_CODE_MINUTES": "7", "BORROWER_CODE_ATTEMPTS": "4"}, "7 4"),
        ({"BORROWER_CODE_MINUTES": "7", "ONE_TIME_CODE_MINUTES": "12"}, "12 5"),
    ],
)
def test_one_time_codes_read_their_settings_and_the_older_names(tmp_path, environment, expected):
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if "CODE_MINUTES" not in k and "ATTEMPTS" not in k}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tactful import settings; "
            "print(settings.ONE_TIME_CODE_MINUTES, settings.ONE_TIME_CODE_ATTEMPTS)",
        ],
        env={**clean, **environment, "TACTFUL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == expected
