"""Settings, read from the environment through django-environ.

Every value comes from the process environment, or from a `.env` file (see
`.env.example`) for the variables the environment does not set. Development
(`DJANGO_DEBUG=1`) works with no other variable; production refuses to start
without a secret key and allowed hosts instead of falling back to unsafe defaults.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import NotRequired, TypedDict

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# DJANGO_ENV_FILE lets tests (and unusual deployments) point at another file, or
# at none, so that a developer's .env never leaks into what is being checked.
ENV_FILE = Path(os.environ.get("DJANGO_ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE)


def _env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is a configuration error."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


DEBUG = _env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if DEBUG:
    # A per-checkout development key: never used when debug is off.
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-" + BASE_DIR.name
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    missing = [
        name
        for name, value in (("DJANGO_SECRET_KEY", SECRET_KEY), ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off, so these production settings are required: "
            + ", ".join(missing)
            + ". Set them in the environment (see .env.example)."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "funding",
    "services",
    "banking",
    "smartiberica.board",
    "smartiberica.demo",
    # Last on purpose: its post_migrate hook grants the roles their permissions,
    # which must exist already for every domain app.
    "smartiberica.kernel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default-deny: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "smartiberica.kernel.context_processors.DemoFlagMiddleware",
    # Records the user behind every change in the audit trail.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartiberica.urls"
WSGI_APPLICATION = "smartiberica.wsgi.application"

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
                "django.template.context_processors.i18n",
                "smartiberica.kernel.context_processors.demo",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no SELECT ... FOR UPDATE: IMMEDIATE transactions take the write
    # lock up front, so read-then-write sequences (invoice numbers) serialise
    # instead of failing with "database is locked".
    # WAL: readers never wait for a writer (the login page stays up during a long import);
    # the busy timeout (seconds) makes a second writer wait its turn instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # The pages' compiled reads run as statements prepared once per connection
    # (smartiberica/kernel/prepared_statements.py); 0 turns them off, for a pooler in
    # transaction mode. Django's other queries bind on the client and are never prepared.
    if env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt while the account/address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords lock that username from that address for fifteen minutes.
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False


class ClientAddressSettings(TypedDict):
    """The django-axes settings `client_address_settings` gives (the proxy order only behind proxies)."""

    AXES_IPWARE_META_PRECEDENCE_ORDER: list[str]
    AXES_IPWARE_PROXY_COUNT: int | None
    AXES_IPWARE_PROXY_ORDER: NotRequired[str]


def client_address_settings(proxy_count: int) -> ClientAddressSettings:
    """How django-axes (through django-ipware) reads the client's address (docs/deploy.md).

    No proxy: the connection's address only, so that a client cannot pick its own address with
    a forged X-Forwarded-For. Behind `proxy_count` proxies, each appending the address it
    received from to X-Forwarded-For (the one next to Django is REMOTE_ADDR): ipware counts the
    proxies listed in the header, i.e. all but the last one.
    """
    if proxy_count < 0:
        raise ImproperlyConfigured(f"DJANGO_PROXY_COUNT={proxy_count} must be 0 or more.")
    if proxy_count == 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"], "AXES_IPWARE_PROXY_COUNT": None}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": proxy_count - 1,
        "AXES_IPWARE_PROXY_ORDER": "left-most",
    }


PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
_client_address = client_address_settings(PROXY_COUNT)
AXES_IPWARE_META_PRECEDENCE_ORDER = _client_address["AXES_IPWARE_META_PRECEDENCE_ORDER"]
AXES_IPWARE_PROXY_COUNT = _client_address["AXES_IPWARE_PROXY_COUNT"]
AXES_IPWARE_PROXY_ORDER = _client_address.get("AXES_IPWARE_PROXY_ORDER", "left-most")

# How long a write waits for a lock held by another (an import numbering invoices) before the
# user is told to try again (PostgreSQL lock_timeout; SQLite waits its busy timeout).
LOCK_WAIT_SECONDS = env.float("DJANGO_LOCK_WAIT_SECONDS", default=5.0)

# The audit trail is read-only: a revert from a history page would skip the apps' actions.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGIN_URL = "login"

# --- E-mail (password reset) ------------------------------------------------------------
# EMAIL_URL (django-environ): consolemail:// prints the messages in the server console (the
# default: nothing leaves the machine), smtp+tls://user:password@host:587 sends them.
EMAIL_BACKEND: str  # set by the next line, with the other EMAIL_* settings; declared for mypy
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# The address of the app as its users reach it: the alert e-mails' links (`manage.py send_alerts`).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["smartiberica.formats"]
CURRENCY = "EUR"

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with hashed names, served by whitenoise: no CDN anywhere.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ----------------------------------------------------------------
# Production defaults are strict; each can be relaxed for a proxy setup.
SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = _env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
if _env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = _env_bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = _env_bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)  # a working day

# Content-Security-Policy: everything from this site, no inline script anywhere. Inline
# styles stay allowed: the server-rendered SVG charts carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (4xx) is one line, without the traceback of the exception behind it.
    "filters": {"client_errors_on_one_line": {"()": "smartiberica.kernel.log_filters.ClientErrorsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_errors_on_one_line"]},
    },
    "loggers": {
        # Django's default config gives "django" its own console handler (debug only) and it
        # propagates to the root's too: every record was printed twice. The root prints it once.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # Also on the logger itself, so every handler (not only the console) gets the one line.
        "django.request": {"filters": ["client_errors_on_one_line"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Limits of the record imports (command and admin), refused up front with a message
# (docs/import-formats.md). A file beyond them is split into several imports.
IMPORT_LIMITS = {
    "MAX_UPLOAD_BYTES": env.int("DJANGO_IMPORT_MAX_UPLOAD_MB", default=50) * 1_000_000,
    "MAX_XLSX_UNPACKED_BYTES": env.int("DJANGO_IMPORT_MAX_XLSX_UNPACKED_MB", default=250) * 1_000_000,
    "MAX_ROWS": env.int("DJANGO_IMPORT_MAX_ROWS", default=200_000),
    "MAX_ERRORS": env.int("DJANGO_IMPORT_MAX_ERRORS", default=1_000),
}
# Admin previews and imports run as jobs in a thread started after the request commits
# (smartiberica.kernel.import_jobs); True runs them inside the request (the tests).
IMPORT_JOBS_INLINE = env.bool("DJANGO_IMPORT_JOBS_INLINE", default=False)

# Imports and exports of records in the admin (django-import-export, see docs/import-formats.md):
# staff only, i.e. the users who may add and change the records; board members only view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "change"
