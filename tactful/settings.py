"""Django settings for Tactful, read from environment variables only.

The README's "Configuration" table and `.env.example` list every variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tactful.audit.keys import AuditKeyError, parse_audit_keys
from tactful.borrowers.identifiers import IdentifierError, normalise_phone
from tactful.environment import Environment
from tactful.money.delinquency import BucketError, BucketScheme
from tactful.policy import PackError, load_pack
from tactful.privacy.keys import KeyringError, parse_keyring

env = Environment()

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env.text("TACTFUL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return SECRET_KEY, or a per-installation key kept in var/ for local runs."""
    configured = env.secret("SECRET_KEY", default="")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _caller_numbers(raw: list[str]) -> frozenset[str]:
    """Normalise the lender's own numbers to E.164; a malformed one stops the start."""
    numbers = set()
    for text in raw:
        try:
            numbers.add(normalise_phone(text).e164)
        except IdentifierError as error:
            raise ImproperlyConfigured(f"LENDER_CALLER_NUMBERS: {error.message}") from None
    return frozenset(numbers)


DEBUG = env.flag("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env.text("SITE_URL", "http://127.0.0.1:8000")
DEMO_MODE = env.flag("TACTFUL_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "tactful.accounts",
    "tactful.audit",
    "tactful.privacy",
    "tactful.borrowers",
    "tactful.loans",
    "tactful.messaging",
    "tactful.api",
    "tactful.portal",
    "tactful.contacts",
    "tactful.rulepacks",
    "tactful.one_time_codes",
    "tactful.consent",
    "tactful.rights",
    "tactful.callqa",
    "tactful.complaints",
    "tactful.repayment",
    "tactful.treatments",
    "tactful.casework",
    "tactful.training",
    "tactful.oversight",
    "tactful.batches",
    "tactful.reports",
    "tactful.scheduling",
    "tactful.web",
    "tactful.public",
    "tactful.staff",
    "tactful.demo",
]

MIDDLEWARE = [
    # First, so every line logged while a request is served carries its id, and its time
    # and status are those the client saw (docs/deployment.md, "Logs" and "Metrics").
    "tactful.web.telemetry.RequestTelemetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tactful.portal.middleware.BorrowerSessionMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its refusals render with the signed-in person known; it still runs before
    # any view or CsrfViewMiddleware.process_view reads the body.
    "tactful.web.input_policy.InputPolicyMiddleware",
]

ROOT_URLCONF = "tactful.urls"
WSGI_APPLICATION = "tactful.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tactful.web.context_processors.navigation",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, Any]]:
    url = env.text("DATABASE_URL", "")
    if not url:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": VAR_DIR / "tactful.sqlite3",
                # IMMEDIATE transactions take the write lock at BEGIN, so two
                # writers serialize instead of failing on lock upgrade.
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
                "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
            }
        }
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {error}") from None
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Each process holds at most DATABASE_POOL_SIZE connections, whatever its threads
        # do: a request that finds them all busy waits DATABASE_POOL_TIMEOUT seconds for
        # one. Connections are not kept per thread (CONN_MAX_AGE 0), so a burst of
        # requests cannot pile them up (docs/security.md, "Connections").
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            # Every query of a page is a short one: PostgreSQL's JIT compiler spent ~65 ms
            # compiling the worklist's plan, and starting a parallel worker ~11 ms of the
            # account page's 18 ms history query, each to save a few (docs/workbench.md,
            # "Speed"). A deployment with long analytical queries may set its own.
            "options": env.text(
                "DATABASE_SESSION_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0"
            ),
            "pool": {
                "min_size": 1,
                "max_size": env.integer("DATABASE_POOL_SIZE", 8, minimum=1),
                "timeout": env.integer("DATABASE_POOL_TIMEOUT", 10, minimum=1),
            },
        }
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"

AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)

# Big days (the auto-debit run, the nightly plan) are batch runs: the process that opens
# one works on it and asks this many task workers (`db_worker`) to share it.
BATCH_HELPERS = env.integer("BATCH_HELPERS", 1)
AXES_COOLOFF_TIME = env.integer("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_ENABLED = env.flag("AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Tactful"
# Nobody reads another person's TOTP secret in the admin (its config and QR pages are
# refused): staff enrol on their own page, /staff/otp/setup/.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.flag("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Served over HTTPS (SECURE_COOKIES on): plain HTTP is redirected, and browsers are told
# by HSTS never to try it again. Behind a proxy that ends TLS, TLS_PROXY_HEADER names the
# header by which it says the request came over HTTPS (docs/operations.md).
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE
# Probes and the metrics scraper ask the web server itself, not through the TLS proxy
# (docs/deployment.md): a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.integer(
    "HSTS_SECONDS", 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("HSTS_INCLUDE_SUBDOMAINS", SESSION_COOKIE_SECURE)
SECURE_HSTS_PRELOAD = env.flag("HSTS_PRELOAD", SESSION_COOKIE_SECURE)
_TLS_PROXY_HEADER = env.text("TLS_PROXY_HEADER", "")
if _TLS_PROXY_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _TLS_PROXY_HEADER.upper().replace("-", "_"),
        "https",
    )
# Only this site's own files run or style a page: no inline script or style anywhere, so
# injected markup cannot act. htmx is loaded from /static/ and told not to add its own
# <style> (templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_AGE = env.integer("SESSION_MINUTES", 60, minimum=5) * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("en", _("English")),
]
# Every package keeps its own catalogue (scripts/catalogues.py). All of them come before the
# catalogues of Django and other installed apps, so "Administration" or "Status" reads as
# Tactful translated it, never as django.contrib.admin did.
LOCALE_PATHS = [PACKAGE_DIR / "locale", *sorted(PACKAGE_DIR.glob("*/locale"))]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns (and the tests treat warnings as errors) when the folder is missing.
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": env.choice(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            ("django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"),
        )
    }
}

SMS_BACKEND = env.choice("SMS_BACKEND", "outbox", ("outbox",))
# The dialer behind the voice port (tactful/contacts/channels/voice.py).
VOICE_BACKEND = env.choice("VOICE_BACKEND", "outbox", ("outbox",))
# Every one-time code (sign-in, plan acceptance, third parties, complainants): its lifetime,
# and the wrong guess that kills it. BORROWER_CODE_* are the older names, still read.
ONE_TIME_CODE_MINUTES = env.integer(
    "ONE_TIME_CODE_MINUTES", env.integer("BORROWER_CODE_MINUTES", 10, minimum=1), minimum=1
)
ONE_TIME_CODE_ATTEMPTS = env.integer(
    "ONE_TIME_CODE_ATTEMPTS", env.integer("BORROWER_CODE_ATTEMPTS", 5, minimum=1), minimum=1
)

DELINQUENCY_BUCKETS = env.text("DELINQUENCY_BUCKETS", "M0:0-0,M1:1-30,M2:31-60,M3+:61-")
try:
    BucketScheme.parse(DELINQUENCY_BUCKETS)
except BucketError as error:
    raise ImproperlyConfigured(f"DELINQUENCY_BUCKETS: {error}") from None

# Personal data at rest: AES-GCM keys (first one encrypts) and the blind-index keys (first
# one indexes; PII_INDEX_KEY alone is the single key from before index rotation existed).
# docs/privacy.md describes the format and both rotation procedures.
try:
    PII_KEYRING = parse_keyring(
        env.secret("PII_KEYS", default=""),
        env.secret("PII_INDEX_KEY", default=""),
        secret_key=SECRET_KEY,
        index_keys=env.secret("PII_INDEX_KEYS", default=""),
    )
except KeyringError as error:
    raise ImproperlyConfigured(f"PII keys: {error}") from None
# The audit trail: the HMAC keys of its links, the Ed25519 key that signs checkpoints of
# its head and the exports, and where the checkpoints go (an append-only sink outside the
# database). docs/security.md describes each key and how to rotate it.
try:
    AUDIT_KEYS = parse_audit_keys(
        env.secret("AUDIT_LINK_KEYS", default=""),
        env.secret("AUDIT_SIGNING_KEY", default=""),
        env.text("AUDIT_PREVIOUS_PUBLIC_KEYS", ""),
        secret_key=SECRET_KEY,
    )
except AuditKeyError as error:
    raise ImproperlyConfigured(f"audit keys: {error}") from None
AUDIT_CHECKPOINT_DIR = Path(env.text("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))

# The public "Is this message really from us?" page: look-ups per client address per hour.
VERIFY_PAGE_LOOKUPS_PER_HOUR = env.integer("VERIFY_PAGE_LOOKUPS_PER_HOUR", 20, minimum=1)
# The numbers this lender calls and texts from, so anyone can check a caller on /verify/.
LENDER_CALLER_NUMBERS = _caller_numbers(env.words("LENDER_CALLER_NUMBERS", ""))
# How to pay by transfer, as the lender words it (payee, bank, account); shown beside
# "Due now" with the loan's reference. Empty: only the pay link of the checkout port.
PAYMENT_DETAILS = env.text("PAYMENT_DETAILS", "")

# The contact gate: the jurisdiction's rule pack, and a lender file that may only tighten it.
GATE_PACK = env.text("GATE_PACK", "cn")
GATE_PACK_OVERRIDE = env.text("GATE_PACK_OVERRIDE", "") or None
try:
    load_pack(GATE_PACK, override=GATE_PACK_OVERRIDE)
except PackError as error:
    raise ImproperlyConfigured(f"GATE_PACK / GATE_PACK_OVERRIDE: {error}") from None

# Call QA's speech engine: "whisper" (faster-whisper, the `speech` extra) or "fake" (demo).
# ASR_MODEL_DIR: any CTranslate2 Whisper model; empty = Whisper base from the packages.
ASR_ENGINE = env.choice("ASR_ENGINE", "whisper", ("whisper", "fake"))
ASR_MODEL_DIR = env.text("ASR_MODEL_DIR", "")
RECORDING_MAX_MEGABYTES = env.integer("RECORDING_MAX_MEGABYTES", 200, minimum=1)

# The built-in scheduler (manage.py scheduler): the zone its job times are read in, and how
# many days back a daily job's missed runs are made up after downtime (docs/operations.md).
SCHEDULE_TIME_ZONE = env.time_zone("SCHEDULE_TIME_ZONE", "Asia/Shanghai")
SCHEDULE_CATCH_UP_DAYS = env.integer("SCHEDULE_CATCH_UP_DAYS", 7, minimum=1)

# /metrics (docs/deployment.md, "Metrics"): the bearer token of its one reader; without
# it the route answers 404. Several processes add up their figures through files in
# PROMETHEUS_MULTIPROC_DIR (gunicorn's workers, the task workers, the scheduler).
METRICS_TOKEN_MIN_LENGTH = 32


def _metrics_token() -> str:
    token = env.secret("METRICS_TOKEN", default="")
    if token and len(token) < METRICS_TOKEN_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LENGTH} characters long"
        )
    return token


def _metrics_directory() -> str:
    """PROMETHEUS_MULTIPROC_DIR, made if missing. prometheus_client reads the variable
    itself when imported: set but empty, it would write its files into the working folder."""
    value = env.text("PROMETHEUS_MULTIPROC_DIR", "")
    if not value:
        if env.text("PROMETHEUS_MULTIPROC_DIR", "unset") == "":
            raise ImproperlyConfigured(
                "PROMETHEUS_MULTIPROC_DIR is empty: unset it or name a folder"
            )
        return ""
    try:
        Path(value).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(f"PROMETHEUS_MULTIPROC_DIR: {error.strerror}") from None
    return value


METRICS_TOKEN = _metrics_token()
PROMETHEUS_MULTIPROC_DIR = _metrics_directory()

# One JSON object per line in production (`json`); the message alone for `make run`.
LOG_FORMAT = env.choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_tracebacks_for_4xx": {"()": "tactful.web.log_filters.TracebacksOnlyForServerErrors"},
        "request_id": {"()": "tactful.telemetry.logs.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "tactful.telemetry.logs.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per request, with its id, route, status and time. In text, `make run`'s
        # development server writes its own line instead.
        "tactful.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        # django-axes announces itself at INFO on every start, CLI commands included.
        "axes": {"level": "WARNING"},
        # fpdf2's font subsetting (fontTools) writes ~100 INFO lines for every PDF made.
        "fontTools": {"level": "WARNING"},
        "django.request": {"filters": ["no_tracebacks_for_4xx"]},
    },
}
