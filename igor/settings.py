"""IGOR settings: one file, read top to bottom, every value from the environment.

Every variable is listed in the README. DEBUG defaults to off; `make run` turns it and demo mode on.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from igor.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("IGOR_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = env_bool("DEBUG", False)
# Demo mode: known passwords and fixed TOTP secrets for the demo users. Never without DEBUG.
DEMO_MODE = env_bool("IGOR_DEMO", False)
TESTING = env_bool("IGOR_TESTING", False)

_DEV_ONLY = "dev-only-not-secret-" + "x" * 40
SECRET_KEY = env_secret("SECRET_KEY", _DEV_ONLY if DEBUG or TESTING else None)
# Keys kept outside the database: the audit chain's HMAC key and the master keys that wrap each
# record's data key (igor.lib.crypto; README "Encryption at rest").
AUDIT_HMAC_KEY = env_secret("IGOR_AUDIT_KEY", _DEV_ONLY if DEBUG or TESTING else None)
MASTER_KEYS = env_secret(
    "IGOR_MASTER_KEYS",
    # key-id:base64(32 bytes),…; the first wraps new data keys, the rest still unwrap old ones.
    "dev:ZGV2LW9ubHktZGF0YS1rZXktbm90LXNlY3JldCEhISE=" if DEBUG or TESTING else None,
)

if "IGOR_DATA_KEYS" in os.environ or "IGOR_DATA_KEYS_FILE" in os.environ:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "IGOR_DATA_KEYS is now IGOR_MASTER_KEYS (same format): rename it, then run `igor migrate`."
    )

# Where `igor audit anchor` appends the published chain heads (copy it to another system); tests
# name their own file.
AUDIT_ANCHOR_FILE = env_str(
    "IGOR_AUDIT_ANCHOR_FILE", "" if TESTING else str(VAR_DIR / "audit-anchors.jsonl")
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "template_partials",
    "csp",
    "igor.accounts",
    "igor.audit",
    "igor.keys",  # management command only: master keys and their rotation
    "igor.people",
    "igor.cases",
    "igor.sharing",
    "igor.risk",
    "igor.support",
    "igor.stats",
    "igor.api",
    "igor.tips",
    "django_tasks",
    "django_tasks_db",
    "igor.demo",  # management commands only: demo data and the page benchmark
]

MIDDLEWARE = [
    # First in, last out: strips identifying headers from public tip pages before anything sees them.
    "igor.tips.anonymity.AnonymousRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "igor.accounts.middleware.SessionLifetimeMiddleware",
    "igor.accounts.middleware.StaffLanguageMiddleware",
    "igor.accounts.middleware.RequireVerifiedStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "igor.accounts.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "igor.urls"
WSGI_APPLICATION = "igor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "igor.accounts.context.staff_context",
            ],
        },
    }
]
FORM_RENDERER = "igor.forms.FormRenderer"

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
_sqlite_path = VAR_DIR / "igor.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# Parallel test runs on one PostgreSQL server each need their own throwaway database name.
DATABASES["default"]["TEST"] = {"NAME": env_str("IGOR_TEST_DATABASE_NAME", "") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so the audit chain head is never read stale.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "igor.accounts.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Sessions: server-side, 15 minutes idle (renewed on every request), 12 hours absolute.
# Django's database sessions, which a tip's send can also save in its own transaction.
SESSION_ENGINE = "igor.tips.session_store"
SESSION_COOKIE_AGE = env_int("IGOR_SESSION_IDLE_SECONDS", 15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env_int("IGOR_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling: 5 failures per (username, IP) then a 15-minute cool-off; never a permanent lock.
AXES_FAILURE_LIMIT = env_int("IGOR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("IGOR_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout must not restart the cool-off, or an attacker could keep it going forever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("IGOR_TRUSTED_PROXY_COUNT", 0)

# TOTP: a code is valid for its own 30-second step only, and only once.
OTP_TOTP_TOLERANCE = 0
OTP_TOTP_ISSUER = "IGOR"

LANGUAGE_CODE = "sv"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
]
STAFF_LANGUAGES = ("sv", "en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Security headers. Production values are the defaults; DEBUG relaxes only what plain http needs.
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with every form POST,
# which Django's CSRF check rightly refuses. No referrer ever leaves for another host either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("IGOR_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

NINJA_PAGINATION_PER_PAGE = 25

# Risk work (igor/risk/config.py checks these at start-up): days until a case at each level must
# be assessed again; which escalation rules flag a case for a conference, and their incident count
# and window; how many days before its end a protective measure is raised.
RISK_REVIEW_DAYS = env_str("IGOR_RISK_REVIEW_DAYS", "high:14,medium:30,low:91")
RISK_ESCALATION_RULES = env_list(
    "IGOR_RISK_ESCALATION_RULES",
    [
        "high_level",
        "repeat_incidents",
        "incident_after_conference",
        "strangulation",
        "threats_to_kill",
        "weapons",
        "honour",
        "contact_ban_breach",
    ],
)
RISK_ESCALATION_INCIDENTS = env_int("IGOR_RISK_ESCALATION_INCIDENTS", 3)
RISK_ESCALATION_WINDOW_DAYS = env_int("IGOR_RISK_ESCALATION_WINDOW_DAYS", 365)
RISK_MEASURE_ALERT_DAYS = env_int("IGOR_RISK_MEASURE_ALERT_DAYS", 14)
# The public tip line (igor.tips). Limits are counted in memory only, never stored.
TIPS_RETENTION_DAYS = env_int("IGOR_TIPS_RETENTION_DAYS", 90)  # tips that led to nothing
TIPS_DIALOGUE_DAYS = env_int("IGOR_TIPS_DIALOGUE_DAYS", 90)  # how long a receipt code works
# A half-filled form's lifetime; the anonymous session ends after IGOR_SESSION_IDLE_SECONDS anyway.
TIPS_DRAFT_MINUTES = env_int("IGOR_TIPS_DRAFT_MINUTES", 30)
TIPS_SENDS_PER_CLIENT_HOUR = env_int("IGOR_TIPS_SENDS_PER_CLIENT_HOUR", 10)
TIPS_SENDS_GLOBAL_HOUR = env_int("IGOR_TIPS_SENDS_GLOBAL_HOUR", 1000)
TIPS_CODE_TRIES_PER_CLIENT_HOUR = env_int("IGOR_TIPS_CODE_TRIES_PER_CLIENT_HOUR", 10)
TIPS_CODE_TRIES_GLOBAL_HOUR = env_int("IGOR_TIPS_CODE_TRIES_GLOBAL_HOUR", 2000)
# Where the quick exit goes: a neutral page (weather), never back to us.
# The public address printed on posters and in their QR codes; empty: the address of the request.
TIPS_PUBLIC_BASE_URL = env_str("IGOR_TIPS_PUBLIC_BASE_URL", "")
TIPS_QUICK_EXIT_URL = env_str("IGOR_TIPS_QUICK_EXIT_URL", "https://www.smhi.se/")
# Staff notifications ("new tip", never its content) go by e-mail to triage staff.
EMAIL_BACKEND = env_str(
    "IGOR_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("IGOR_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = env_str("IGOR_EMAIL_FROM", "igor@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Request bodies and personal data are never logged; only our own short messages.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "igor": {"handlers": ["console"], "level": "INFO"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}

if DEMO_MODE and not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("IGOR_DEMO=1 is refused when DEBUG is off.")

# Sharing (igor/sharing): the closed list of statutory grounds is configuration (a TOML file; the
# shipped one is igor/sharing/data/grounds.toml), and the days social services have to give
# feedback on a report of concern about a child (prop. 2025/26:12: "within a set time").
SHARING_GROUNDS_FILE = env_str("IGOR_SHARING_GROUNDS", "")
CONCERN_FEEDBACK_DAYS = env_int("IGOR_CONCERN_FEEDBACK_DAYS", 14)
# Statistics: counts from 1 to this minus one are shown as "fewer than N" everywhere (small-cell
# suppression). 5 is the default; a court has held a group of 6 large enough, so 6 is also used.
IGOR_STATS_MIN_CELL = env_int("IGOR_STATS_MIN_CELL", 5)
if IGOR_STATS_MIN_CELL < 2:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("IGOR_STATS_MIN_CELL must be at least 2.")

# Background work (research extracts) on the database queue; `igor db_worker` runs it. Tests run
# tasks at once, in the request.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING and not env_bool("IGOR_TASKS_DATABASE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
