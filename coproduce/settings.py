"""One settings module, driven by the environment (12-factor).

Every value that differs between a laptop and production comes from an
environment variable; the defaults are safe for production (DEBUG off) and
need no set-up for a developer (an SQLite file next to this folder).
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "coproduce",
    "plans",
    "outcomes",
    "coproduce.onboarding",
    "coproduce.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coproduce.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Signed in: Cache-Control: no-store, private on everything, downloads too.
    "coproduce.headers.NoStoreWhenSignedInMiddleware",
    # Sees every response, so it logs the 403s and 404s of signed-in users.
    "coproduce.middleware.SecurityLogMiddleware",
    # Before LoginRequiredMiddleware: an idle session is ended (with a message
    # saying why) before anything asks whether someone is signed in.
    "coproduce.middleware.IdleTimeoutMiddleware",
    "coproduce.middleware.TwoFactorMiddleware",
    # Django's, asking the view first (the live check signs in by itself).
    "coproduce.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An open page whose access ended is told so (HX-Redirect on plan 404s).
    "coproduce.middleware.AccessEndedMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into our page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coproduce.urls"
WSGI_APPLICATION = "coproduce.wsgi.application"
ASGI_APPLICATION = "coproduce.asgi.application"

_FILE_LOADERS: list[Any] = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
# Cached in production; read afresh in development so edits show at once.
TEMPLATE_LOADERS: list[Any] = (
    _FILE_LOADERS if DEBUG else [("django.template.loaders.cached.Loader", _FILE_LOADERS)]
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coproduce.context_processors.session_timeout",
                "coproduce.navigation.header_navigation",
                "coproduce.notifications.context_processors.for_you",
            ],
            # Registered as builtins so that moving to Django 6's own
            # partials is a settings change, not an edit of every template.
            "builtins": [
                "template_partials.templatetags.partials",
                "django_htmx.templatetags.django_htmx",
                "plans.templatetags.plan_tags",
            ],
            "loaders": [("template_partials.loader.Loader", TEMPLATE_LOADERS)],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (the dev server, browser tests) write at once: wait for
    # the lock instead of failing, and let readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not the shared in-memory database, so that threads in the tests
    # (the live server, the concurrency test) wait for locks as real servers do.
    # One file per test process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation. PostgreSQL compiles a statement whose estimated cost
    # passes jit_above_cost (100,000) at every run, prepared or not: the team
    # dashboard's statements pass it from some 13,000 plans, and compiling
    # their hundred aggregates took 1.2 s and 5.4 s where running them takes
    # 0.3 s each (README, "Speed"). Nothing here runs long enough to gain.
    # Sent as a startup option, so it costs no statement.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "coproduce.User"

# Argon2 for new and changed passwords; the others only read older hashes
# (and upgrade them at the next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Django's ModelBackend, with the signed-in user read by a compiled statement
# (coproduce/sessions.py). Sessions name the backend that signed them in: one
# signed in before this backend replaced Django's own is asked to sign in again.
SIGN_IN_BACKEND = "coproduce.sessions.UserBackend"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins while a username+IP is locked out; checks no password.
    "coproduce.security.ThrottledSignIn",
    SIGN_IN_BACKEND,
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Flash messages live in the session, not a cookie: an unread message must
# never be shown to the next person who signs in on a shared device.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions live in the database so that several app servers behave as one.
# With Redis they are read from the cache and written through to the database
# (cached_db), so a session survives a Redis restart.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if os.environ.get("REDIS_URL")
    # Django's database sessions, their one read compiled once.
    else "coproduce.sessions"
)
# Signed out after this long without doing anything (coproduce.middleware.
# IdleTimeoutMiddleware). An open plan page's polling is not "doing anything".
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
# The cookie outlives the idle limit so that the next request can be told
# *why* it was signed out; the middleware, not the cookie, ends idle sessions.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_SECONDS", str(12 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# htmx sends the token from <body hx-headers>, so no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True
# Its page as Django's, and for htmx a header saying why (coproduce.htmx).
CSRF_FAILURE_VIEW = "coproduce.htmx.csrf_failure"

# Two-step sign-in (TOTP) for professionals and staff; people are never asked.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Coproduce"
# django-otp throttles wrong codes per device, so anyone with the password could
# lock the owner out. Wrong codes are counted per sign-in instead (coproduce.two_step_rules).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Sign-in throttling (django-axes), in the database so all app servers share it.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Password spraying (one address, many usernames): a higher limit of its own,
# checked by coproduce.security.ThrottledSignIn over django-axes' records.
ADDRESS_FAILURE_LIMIT = int(os.environ.get("ADDRESS_FAILURE_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
# Successful sign-ins go to the security log; no second copy in the database.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "coproduce.accounts.two_step.locked_out"
AXES_IPWARE_PROXY_COUNT = (
    int(os.environ.get("PROXY_COUNT", "1")) if env_bool("BEHIND_PROXY") else None
)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool("BEHIND_PROXY") else ["REMOTE_ADDR"]
)

# A shared cache: the database, so there is nothing extra to run and every
# app server sees the same entries; or Redis, when REDIS_URL is set, which
# takes the cache's (and the sessions' reads') round trips off the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Each test process keeps its own keys, so parallel runs on one Redis never meet.
_CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX") or (
    f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    if env_bool("TESTING")
    else "coproduce"
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_KEY_PREFIX,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coproduce_cache",
            "KEY_PREFIX": _CACHE_KEY_PREFIX,
        }
    ),
    # Rendered plan pages (coproduce.plan_page.body_cache): kept apart, so that
    # the database cache's culling at MAX_ENTRIES can never evict the sign-in
    # and throttling counters in "default" to make room for pages. An hour is
    # enough: a body is read again when its viewer reloads the same version.
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_KEY_PREFIX,
            "TIMEOUT": 60 * 60,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coproduce_page_cache",
            "KEY_PREFIX": _CACHE_KEY_PREFIX,
            "TIMEOUT": 60 * 60,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}

# Email: printed to the console in development, SMTP in production. Sending
# never blocks a request: messages go through the task queue (coproduce.tasks).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <no-reply@localhost>")

# Background work (email): Django's tasks API through the django-tasks
# backport, queued in the database; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Invitations and set-up links: how long a link lasts.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
LETTER_INVITATION_DAYS = int(os.environ.get("LETTER_INVITATION_DAYS", "30"))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "coproduce.static_files.StaticFiles"  # whitenoise's, addresses kept
        )
    },
}

TESTING = env_bool("TESTING")
# In development and tests whitenoise serves files straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Production hardening: on whenever DEBUG is off.
SECURE = not DEBUG and not env_bool("INSECURE_HTTP")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and not env_bool("BEHIND_TLS_PROXY_WITHOUT_REDIRECT")
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy, on everywhere (development and tests too, so the
# browser tests prove htmx and the charts work under it). No inline script
# or style at all, so no nonces are needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Everything goes to stderr. coproduce.security writes one JSON object per
# line (failed and successful sign-ins, lockouts, refused pages) and never a
# name, a password or anything from a plan.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "coproduce.logformat.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "coproduce.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # django-axes writes usernames in plain text; our own log has what matters.
        "axes": {"level": "ERROR"},
    },
}

# How often an open plan page asks whether anything changed (milliseconds).
LIVE_POLL_MS = int(os.environ.get("LIVE_POLL_MS", "5000"))
# Dashboard figures drawn from fewer people than this are not shown (outcomes.small_cells).
SMALL_CELL_THRESHOLD = int(os.environ.get("SMALL_CELL_THRESHOLD", "5"))
# After a write to a team's plans, its dashboard may show the figures computed
# before it, labelled, for at most this long while the worker recomputes them
# (outcomes.dashboard_cache); past it, or with 0, a load computes them at once.
DASHBOARD_STALE_SECONDS = int(os.environ.get("DASHBOARD_STALE_SECONDS", "60"))
# /healthz/worker/ answers 503 once a task has waited longer than this for the worker.
WORKER_ALERT_SECONDS = int(os.environ.get("WORKER_ALERT_SECONDS", "300"))

# A person's request for more leadership that nobody answers in this many days
# is raised to the team lead (Proposal.objects.leadership_requests_overdue).
LEADERSHIP_ESCALATION_DAYS = int(os.environ.get("LEADERSHIP_ESCALATION_DAYS", "14"))

# The crisis plan: the lines shown on every crisis plan and card (name, number,
# when), and how recently a crisis plan must have been reviewed to count as
# reviewed on the lead's dashboard.
CRISIS_LINES = [
    ("NHS 111, option 2 (mental health crisis)", "111", "any time, day or night"),
    ("Samaritans", "116 123", "any time, free"),
    ("Emergency: if your life is in danger", "999", "any time"),
]
CRISIS_PLAN_REVIEW_DAYS = int(os.environ.get("CRISIS_PLAN_REVIEW_DAYS", "183"))

# Notifications (coproduce.notifications): a suggestion unanswered this long is
# reminded to the side that must answer it; links in emails start with SITE_URL.
SUGGESTION_REMINDER_HOURS = int(os.environ.get("SUGGESTION_REMINDER_HOURS", "72"))
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
