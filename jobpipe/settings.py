"""JobPipe settings: one module, read from the environment, embedded defaults.

With no environment at all JobPipe runs on a SQLite file and executes Celery tasks in-process,
so `manage.py demo` works on a fresh checkout. Production sets DATABASE_URL and CELERY_BROKER_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from jobpipe.env import envbool, envchoice, envint, envjson_object, envrate, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Django -----------------------------------------------------------------------------------
# Production is the default. The embedded try-it mode says DEBUG=true itself (scripts/demo
# does), and so do the tests (JOBPIPE_TESTING).
DEBUG = envbool("DEBUG", default=bool(os.environ.get("JOBPIPE_TESTING")))
SECRET_KEY = envstr("SECRET_KEY", "dev-only-insecure-key-set-SECRET_KEY-in-production")
# .env.example's values: a deployment that copied the file without replacing them.
PLACEHOLDERS = ("replace-with-a-long-random-string", "replace-me")
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in production (DEBUG is false, the default); for the embedded "
        "try-it mode set DEBUG=true, as scripts/demo does"
    )
if not DEBUG and SECRET_KEY in PLACEHOLDERS:
    raise ImproperlyConfigured(
        "SECRET_KEY is the .env.example placeholder: replace it with a long random string "
        "(python -c 'from django.core.management.utils import get_random_secret_key as k; "
        "print(k())')"
    )
HSTS_PRELOAD_MIN_SECONDS = 31_536_000
ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
if not DEBUG:
    # Production: HTTPS only (behind a proxy that sets X-Forwarded-Proto), secure cookies,
    # HSTS; `manage.py check --deploy` is clean. SECURE_SSL_REDIRECT=false for plain-HTTP
    # setups such as the local docker compose stack.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Browsers' preload lists take a domain only with max-age >= 1 year and includeSubDomains,
    # and leaving the list takes months: preload is opt-in, and refused when it cannot qualify.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", default=False)
    if SECURE_HSTS_PRELOAD and not (
        SECURE_HSTS_SECONDS >= HSTS_PRELOAD_MIN_SECONDS and SECURE_HSTS_INCLUDE_SUBDOMAINS
    ):
        raise ImproperlyConfigured(
            f"SECURE_HSTS_PRELOAD needs SECURE_HSTS_SECONDS >= {HSTS_PRELOAD_MIN_SECONDS} "
            f"(one year) and SECURE_HSTS_INCLUDE_SUBDOMAINS=true, got {SECURE_HSTS_SECONDS}"
        )
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # preload is opt-in, see above
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "django_celery_results",
    "tracking",
    "ingestion",
    "extraction",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, dashboard) straight from gunicorn: no separate file server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jobpipe.middleware.refuse_nul_bytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jobpipe.middleware.content_security_policy",
]

ROOT_URLCONF = "jobpipe.urls"
WSGI_APPLICATION = "jobpipe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# Default: a SQLite file beside manage.py, so a fresh checkout just works. Tests use PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (the demo's progress bar and the in-process tasks) share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, init_command="PRAGMA journal_mode=wal;"
    )
if os.environ.get("JOBPIPE_TEST_DB_NAME"):
    # Lets two test sessions share one PostgreSQL server without sharing a test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["JOBPIPE_TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Admin and dashboard times to the second (jobpipe/formats/en/formats.py).
FORMAT_MODULE_PATH = ["jobpipe.formats"]

# Content-Security-Policy of every response (jobpipe/middleware.py): scripts and styles from
# this origin only (inline styles allowed: the admin uses style attributes), no plugins, no
# framing, forms post back here.
JOBPIPE_CSP = envstr(
    "JOBPIPE_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'",
)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without collectstatic (development, tests, the demo) WhiteNoise serves from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
# The dashboard's login takes any active user (the admin's only staff); the pages check roles.
LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:overview"
LOGOUT_REDIRECT_URL = "dashboard:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    "loggers": {
        "celery": {"level": "INFO"},
        "jobpipe": {"level": envstr("JOBPIPE_LOG_LEVEL", "INFO"), "propagate": True},
    },
}

# --- Celery -----------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# No broker configured: tasks run in-process (eager), the embedded try-it mode.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
# The PipelineJob ledger (tracking app) is the durable record of every task; Celery's own
# result rows would duplicate it on the hot path, so results are only kept when asked for.
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# Delivery: a message is acknowledged only after its task ran, and is redelivered when the
# worker dies. Every task is idempotent per (run, URL, stage), which is what makes this safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=5)
# Longest retry countdown any task schedules (seconds); see ingestion/tasks.py.
JOBPIPE_MAX_RETRY_COUNTDOWN = envint("JOBPIPE_MAX_RETRY_COUNTDOWN", 120, minimum=1)
# Redis redelivers unacknowledged messages after visibility_timeout: it must exceed every
# time limit and countdown, or a slow task would run twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_DEFAULT_QUEUE = "default"  # crawl tasks declare queue="crawl"
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= max(
    CELERY_TASK_TIME_LIMIT, JOBPIPE_MAX_RETRY_COUNTDOWN
):
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT and "
        "JOBPIPE_MAX_RETRY_COUNTDOWN, or Redis redelivers tasks that are still running"
    )

# --- JobPipe ----------------------------------------------------------------------------------
# Write extracted jobs at all (false: a dry run that records per-URL outcomes only).
EXTRACTION_USE_STORAGE = envbool("EXTRACTION_USE_STORAGE", default=False)
# Write to the shadow table jobs_side instead of the production table.
EXTRACTION_SHADOW_MODE = envbool("EXTRACTION_SHADOW_MODE", default=True)
# The table written when shadow mode is off.
JOBS_TABLE = envchoice("JOBS_TABLE", "jobs", ("jobs", "jobs_side"))
# Shared secret for the internal JSON views; unset disables them.
INTERNAL_API_KEY = envstr("INTERNAL_API_KEY")
if not DEBUG and INTERNAL_API_KEY in PLACEHOLDERS:
    raise ImproperlyConfigured("INTERNAL_API_KEY is the .env.example placeholder: replace it")
# Wrong API keys one client address may send per minute; past it every request from that
# address is 429 until the minute is over (a brute force gets nowhere).
JOBPIPE_API_KEY_FAILURES_PER_MINUTE = envint("JOBPIPE_API_KEY_FAILURES_PER_MINUTE", 20, minimum=1)
# Optional second key that opens only the API's GET doors (dashboards, monitoring scripts).
INTERNAL_API_READ_KEY = envstr("INTERNAL_API_READ_KEY")
# Bearer tokens: /health's details (besides a logged-in viewer or an API key), and /metrics
# (unset: public; bind the web server to a private address or set this).
JOBPIPE_HEALTH_TOKEN = envstr("JOBPIPE_HEALTH_TOKEN")
JOBPIPE_METRICS_TOKEN = envstr("JOBPIPE_METRICS_TOKEN")

JOBPIPE_FETCH_TIMEOUT = envint("JOBPIPE_FETCH_TIMEOUT", 20, minimum=1)
JOBPIPE_MAX_BODY_BYTES = envint("JOBPIPE_MAX_BODY_BYTES", 10 * 1024 * 1024, minimum=1024)
JOBPIPE_FETCH_RETRIES = envint("JOBPIPE_FETCH_RETRIES", 2, minimum=0)
# URLs per crawl task: each batch pays the broker, the ledger and a transaction once.
JOBPIPE_CRAWL_BATCH_SIZE = envint("JOBPIPE_CRAWL_BATCH_SIZE", 100, minimum=1)
# Requests a batch has in flight at once, across its hosts (each host still gets at most
# JOBPIPE_DOMAIN_CONCURRENCY of them): the waits on slow hosts overlap.
JOBPIPE_CRAWL_THREADS = envint("JOBPIPE_CRAWL_THREADS", 100, minimum=1)
# Seconds a batch may spend fetching before it hands its remaining URLs to a new batch.
JOBPIPE_CRAWL_BATCH_BUDGET = envint(
    "JOBPIPE_CRAWL_BATCH_BUDGET", CELERY_TASK_SOFT_TIME_LIMIT // 2, minimum=1
)
# A batch whose own URLs run low takes on its run's URLs no task has started yet (their own
# batch, when it comes, leaves them alone): a process never idles on its batch's slowest host
# while the run has work. Off: each batch works only the URLs it was given.
JOBPIPE_CRAWL_TAKE_UNSTARTED = envbool("JOBPIPE_CRAWL_TAKE_UNSTARTED", default=True)
JOBPIPE_USER_AGENT = envstr(
    "JOBPIPE_USER_AGENT",
    "JobPipe/0.1 (job ingestion bot; +"
    + envstr("JOBPIPE_CONTACT_URL", "https://github.com/jobpipe/jobpipe")
    + ")",
)
# --- Fetch safety and politeness (ingestion/netguard.py, ingestion/politeness.py) --------------
JOBPIPE_MAX_REDIRECTS = envint("JOBPIPE_MAX_REDIRECTS", 5, minimum=0)
# Networks the SSRF guard lets through although they are not public (comma-separated CIDRs).
JOBPIPE_FETCH_ALLOWED_NETWORKS = envstr(
    "JOBPIPE_FETCH_ALLOWED_NETWORKS", "127.0.0.0/8" if os.environ.get("JOBPIPE_TESTING") else ""
)
JOBPIPE_RESPECT_ROBOTS = envbool("JOBPIPE_RESPECT_ROBOTS", default=True)
JOBPIPE_ROBOTS_TTL = envint("JOBPIPE_ROBOTS_TTL", 3600, minimum=1)
_testing = bool(os.environ.get("JOBPIPE_TESTING"))
# Per host: requests per second (0: no limit) and requests in flight (0: no limit).
JOBPIPE_DOMAIN_RATE = envint("JOBPIPE_DOMAIN_RATE", 0 if _testing else 5, minimum=0)
JOBPIPE_DOMAIN_CONCURRENCY = envint("JOBPIPE_DOMAIN_CONCURRENCY", 0 if _testing else 4, minimum=0)
JOBPIPE_POLITENESS_MAX_WAIT = envint("JOBPIPE_POLITENESS_MAX_WAIT", 2, minimum=0)
JOBPIPE_BREAKER_FAILURES = envint("JOBPIPE_BREAKER_FAILURES", 5, minimum=1)
JOBPIPE_BREAKER_RESET = envint("JOBPIPE_BREAKER_RESET", 60, minimum=1)
# Per ATS provider, across all its hosts (ingestion/pacing.py): each adapter module declares
# its PACING; JOBPIPE_PROVIDER_LIMITS = '{"join": {"rate": 1, "concurrency": 1}}' overrides it.
JOBPIPE_PROVIDER_PACING = envbool("JOBPIPE_PROVIDER_PACING", default=not _testing)
JOBPIPE_PROVIDER_LIMITS = envjson_object("JOBPIPE_PROVIDER_LIMITS")
for _name, _limits in JOBPIPE_PROVIDER_LIMITS.items():
    if not isinstance(_limits, dict) or not all(
        key in ("rate", "concurrency")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and value >= 0
        for key, value in _limits.items()
    ):
        raise ImproperlyConfigured(
            f"JOBPIPE_PROVIDER_LIMITS[{_name!r}] = {_limits!r}: use "
            '{"rate": requests per second, "concurrency": requests in flight}, numbers >= 0'
        )
JOBPIPE_PROVIDER_MAX_WAIT = envint("JOBPIPE_PROVIDER_MAX_WAIT", 30, minimum=0)
# Runs that the API and the dashboard may start per minute (the ingest trigger's rate limit).
JOBPIPE_INGEST_STARTS_PER_MINUTE = envint("JOBPIPE_INGEST_STARTS_PER_MINUTE", 10, minimum=1)
JOBPIPE_CONTACT_URL = envstr("JOBPIPE_CONTACT_URL", "https://github.com/jobpipe/jobpipe")
JOBPIPE_MAX_SITEMAP_DEPTH = envint("JOBPIPE_MAX_SITEMAP_DEPTH", 3, minimum=0)
JOBPIPE_MAX_LISTING_PAGES = envint("JOBPIPE_MAX_LISTING_PAGES", 20, minimum=1)

# --- Delisting safety and run outcomes (ingestion/archive.py, ingestion/verdict.py) -------------
# Complete listings in a row a job must be missing from before it is archived: ATS APIs are
# exact, HTML pages and sitemaps are not (a source's config "delist_after" overrides both).
JOBPIPE_DELIST_AFTER_ATS = envint("JOBPIPE_DELIST_AFTER_ATS", 1, minimum=1)
JOBPIPE_DELIST_AFTER = envint("JOBPIPE_DELIST_AFTER", 2, minimum=1)
# The mass-archive guard holds a listing's archive for an operator when it would archive more
# than this share of the source's active jobs (and at least _MIN of them), when the listing
# shrank by more than _SHRINK from the median of its last 5 (at least 3) complete listings, or
# when it is empty while the source has active jobs.
JOBPIPE_MASS_ARCHIVE_SHARE = envrate("JOBPIPE_MASS_ARCHIVE_SHARE", 0.5)
JOBPIPE_MASS_ARCHIVE_MIN = envint("JOBPIPE_MASS_ARCHIVE_MIN", 3, minimum=1)
JOBPIPE_MASS_ARCHIVE_SHRINK = envrate("JOBPIPE_MASS_ARCHIVE_SHRINK", 0.3)
# Seconds a source's discovery may spend reading ATS posting details (Workday, Workable, ...)
# itself; the details still unread then are handed to the crawl stage, read by the crawl
# batches in parallel (a large tenant's first run stays inside the task's time limit).
JOBPIPE_DISCOVERY_DETAIL_BUDGET = envint(
    "JOBPIPE_DISCOVERY_DETAIL_BUDGET", CELERY_TASK_SOFT_TIME_LIMIT // 4, minimum=0
)
# A listing longer than this is cut there and counts as incomplete (nothing archived).
JOBPIPE_MAX_LISTING_URLS = envint("JOBPIPE_MAX_LISTING_URLS", 50_000, minimum=1)
# Incremental re-crawl (ingestion/recrawl.py): a job page extracted in full within this many
# days is fetched with its validators, and a 304 or an identical body settles it unchanged;
# older, it is extracted in full again (a source's config.reverify_days overrides; 0: always).
JOBPIPE_REVERIFY_DAYS = envint("JOBPIPE_REVERIFY_DAYS", 7, minimum=0)
# A run whose failed URLs (404/410 aside) exceed this share ends completed_with_errors.
JOBPIPE_RUN_FAILED_SHARE = envrate("JOBPIPE_RUN_FAILED_SHARE", 0.1)

# --- Recovery and alerting (ingestion/recovery.py, ingestion/alerts.py) --------------------------
# A run in archiving/ingesting silent for this long is stale and gets re-driven by the sweeper.
JOBPIPE_STALE_RUN_SECONDS = envint("JOBPIPE_STALE_RUN_SECONDS", 15 * 60, minimum=1)
# Recoveries before a stale run is failed (with an incident).
JOBPIPE_STALE_MAX_RETRIES = envint("JOBPIPE_STALE_MAX_RETRIES", 3, minimum=0)
# A running task renews its ledger lease every JOBPIPE_TASK_LEASE_SECONDS / 4; a lease this old
# means its worker is gone, and the watchdog (every JOBPIPE_WATCHDOG_SECONDS, a thread of every
# worker, needing no Beat) re-drives its work. A queued task whose message is in neither the
# broker's queues nor its unacknowledged set after JOBPIPE_LOST_MESSAGE_SECONDS is re-driven too.
JOBPIPE_TASK_LEASE_SECONDS = envint("JOBPIPE_TASK_LEASE_SECONDS", 60, minimum=2)
JOBPIPE_WATCHDOG_SECONDS = envint("JOBPIPE_WATCHDOG_SECONDS", 30, minimum=1)
JOBPIPE_LOST_MESSAGE_SECONDS = envint("JOBPIPE_LOST_MESSAGE_SECONDS", 60, minimum=1)
# A task that cannot reach PostgreSQL or Redis retries with backoff (2 s doubling, capped at
# 60 s) this many times instead of failing; its message is not acknowledged as done meanwhile.
JOBPIPE_INFRA_RETRIES = envint("JOBPIPE_INFRA_RETRIES", 12, minimum=0)
JOBPIPE_INSERT_FAILURE_RATE = envrate("JOBPIPE_INSERT_FAILURE_RATE", 0.05)
JOBPIPE_INSERT_FAILURE_WINDOW_MINUTES = envint(
    "JOBPIPE_INSERT_FAILURE_WINDOW_MINUTES", 60, minimum=1
)
JOBPIPE_INSERT_FAILURE_MIN_OPS = envint("JOBPIPE_INSERT_FAILURE_MIN_OPS", 10, minimum=1)
JOBPIPE_PIPELINE_WARNING_RATE = envrate("JOBPIPE_PIPELINE_WARNING_RATE", 0.10)
JOBPIPE_PIPELINE_CRITICAL_RATE = envrate("JOBPIPE_PIPELINE_CRITICAL_RATE", 0.20)
# Also write each new incident as markdown into this folder (unset: database only).
JOBPIPE_INCIDENTS_DIR = envstr("JOBPIPE_INCIDENTS_DIR")
# Finished and failed ledger rows older than this are pruned daily.
JOBPIPE_LEDGER_RETENTION_DAYS = envint("JOBPIPE_LEDGER_RETENTION_DAYS", 30, minimum=1)
# JSON file keeping the last 1,000 insert operations, for setups without Prometheus.
JOBPIPE_METRICS_FILE = envstr("JOBPIPE_METRICS_FILE")
# Beat: code owns the entries (synced into django-celery-beat's tables at beat start), the
# admin owns their on/off switch. Run exactly one beat process (see README, Operations).
JOBPIPE_SWEEP_INTERVAL_SECONDS = envint("JOBPIPE_SWEEP_INTERVAL_SECONDS", 300, minimum=1)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sweep-stale-runs": {
        "task": "maintenance.sweep_stale",
        "schedule": JOBPIPE_SWEEP_INTERVAL_SECONDS,
    },
    "check-failure-rates": {"task": "maintenance.check_failure_rates", "schedule": 600.0},
    "prune-ledger": {"task": "maintenance.prune_ledger", "schedule": 24 * 3600.0},
    "schedule-due-sources": {"task": "maintenance.schedule_due_sources", "schedule": 300.0},
}

if os.environ.get("JOBPIPE_TESTING"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
