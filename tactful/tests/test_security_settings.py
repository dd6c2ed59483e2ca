"""Security headers and production settings: CSP everywhere, HTTPS enforced, clean logs."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tactful.accounts.roles import Role
from tactful.audit.signing import encoded, fingerprint
from tactful.testing.personas import make_staff, sign_in_staff

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/verify/", "/complaints/new/", "/portal/sign-in/", "/staff/login/", "/nowhere/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {directive[0]: directive[1:] for directive in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_inline_scripts_and_styles(path):
    policy = _policy(Client().get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in str(policy)
    assert "'unsafe-eval'" not in str(policy)


@pytest.mark.django_db
def test_staff_pages_and_the_api_carry_the_policy_too(client):
    sign_in_staff(client, make_staff("policy-collector", Role.COLLECTOR))
    assert _policy(client.get("/staff/"))["default-src"] == ["'self'"]
    assert "Content-Security-Policy" in Client().get("/api/v1/openapi.json")


@pytest.mark.django_db
def test_no_template_carries_an_inline_script_or_style():
    """The policy would block them; this finds them before a browser does."""
    offenders = []
    for template in (ROOT / "tactful").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for marker in ("<script>", "<style", " style=", " onclick=", " onload=", "javascript:"):
            if marker in text:
                offenders.append(f"{template.relative_to(ROOT)}: {marker}")
        if "<script" in text and "<script src=" not in text:
            offenders.append(f"{template.relative_to(ROOT)}: <script without src")
    assert offenders == []


@pytest.mark.django_db
def test_a_refused_staff_page_is_logged_without_a_traceback(client, caplog):
    sign_in_staff(client, make_staff("log-collector", Role.COLLECTOR))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/staff/complaints/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert "Forbidden" in record.getMessage()
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def _production_environment(var_dir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TACTFUL_", "DATABASE_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "tactful.settings",
            "TACTFUL_VAR_DIR": str(var_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "collect.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://collect.example.com",
            "SITE_URL": "https://collect.example.com",
            "SECURE_COOKIES": "true",
            "DEBUG": "false",
            "PII_KEYS": f"k1:{_key()}",
            "PII_INDEX_KEYS": f"i1:{_key()}",
            "AUDIT_LINK_KEYS": f"k1:{_key()}",
            "AUDIT_SIGNING_KEY": f"k1:{_key()}",
        }
    )
    return environment


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    result = _check_deploy(_production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_of_keys_derived_from_the_secret_key(tmp_path):
    environment = _production_environment(tmp_path)
    for name in ("PII_KEYS", "PII_INDEX_KEYS", "AUDIT_LINK_KEYS", "AUDIT_SIGNING_KEY"):
        del environment[name]
    result = _check_deploy(environment)
    assert result.returncode != 0
    assert "tactful.W002" in result.stderr + result.stdout
    assert "tactful.W003" in result.stderr + result.stdout


def test_with_secure_cookies_http_is_redirected_and_hsts_is_sent(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = Client().get("/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = Client().get("/", secure=True)
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


@pytest.mark.django_db
def test_the_verify_page_publishes_the_key_that_signs_exports():
    keys = django_settings.AUDIT_KEYS
    page = Client().get("/verify/").content.decode()
    assert f"{keys.signing_key_id}:{encoded(keys.public_key)}" in page
    assert fingerprint(keys.public_key) in page
