"""Settings for mutualaid, read from the environment (see the README for every variable)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from mutualaid.core.env import data_dir, env_bool, env_int, env_list, env_str, secret_key

# Lets model fields and admin classes be subscripted (admin.ModelAdmin[Member]) for mypy at run time too.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

DEBUG = env_bool("MUTUALAID_DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
# Behind TLS (a reverse proxy or an onion service with HTTPS): secure cookies, HSTS, redirects.
HTTPS = env_bool("MUTUALAID_HTTPS", False)
ALLOWED_HOSTS = env_list("MUTUALAID_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MUTUALAID_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("MUTUALAID_SITE_NAME", "mutualaid")

INSTALLED_APPS = [
    # Our apps come first so their templates override allauth's layouts.
    "mutualaid.core",
    "mutualaid.members",
    "mutualaid.groups",
    "mutualaid.exchange",
    "mutualaid.channels",
    "mutualaid.funds",
    "mutualaid.matching",
    "mutualaid.deliveries",
    "mutualaid.shifts",
    "mutualaid.decisions",
    "mutualaid.defense",
    "mutualaid.hubs",
    "mutualaid.lending",
    "mutualaid.housing",
    "mutualaid.insights",
    "mutualaid.opendata",
    "mutualaid.federation",
    "mutualaid.peers",
    "mutualaid.config",  # the wiring (serve, worker, demo commands); keep it after every mutualaid app
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "mutualaid.core.middleware.forget_client_address",
    "mutualaid.core.middleware.security_headers",
    "mutualaid.core.middleware.refuse_nul_characters",
    "django.middleware.security.SecurityMiddleware",
    "mutualaid.core.middleware.health_check",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (static files come precompressed from WhiteNoise above, never through this; API
    # answers are left alone).
    # BREACH: Django's GZipMiddleware pads each response's gzip header by a random length ("Heal the
    # Breach") and CSRF tokens are masked per response; see docs/security.md.
    "mutualaid.core.compression.HtmlGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "mutualaid.members.authentication.MemberAuthenticationMiddleware",
    "mutualaid.members.middleware.member_language_and_last_seen",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mutualaid.groups.middleware.first_run_setup",
    "mutualaid.core.middleware.SecondFactorRedirect",
    "mutualaid.core.middleware.ProtectiveErrors",
]

ROOT_URLCONF = "mutualaid.config.urls"
WSGI_APPLICATION = "mutualaid.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mutualaid.core.context_processors.site",
                "mutualaid.channels.context_processors.unread_notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'mutualaid.sqlite3'}"),
        conn_max_age=env_int("MUTUALAID_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions take the write lock at
    # BEGIN so two writers queue on the busy timeout instead of failing with "database is locked".
    # Connections are kept like PostgreSQL's (MUTUALAID_DB_CONN_MAX_AGE): opening one costs about 3 ms of
    # CPU (the pragmas, Django's SQL functions) and closing the last one checkpoints and deletes the WAL
    # with an fsync, per request. An idle connection in autocommit holds no lock or snapshot, and panic
    # and restore change the file in place, so every process sees them at once.
    DATABASES["default"]["OPTIONS"] = {
        # secure_delete: deleted and overwritten content is zeroed in the file (core.forget).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache, so that limits (logins, posting) hold across several app servers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mutualaid_cache",
    }
}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: usernames only; e-mail is optional and kept encrypted by mutualaid, never by allauth.
ACCOUNT_ADAPTER = "mutualaid.members.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_USER_MODEL_EMAIL_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Behind Tor every visitor is 127.0.0.1, so failed logins are limited per account, never per IP. Passwords
# are counted by mutualaid (members.adapter: atomic, leaves no login times behind); allauth's per-key
# limit of the same size still guards second-factor codes, and clears its entry when a code is right.
MUTUALAID_LOGIN_LOCKOUT = env_str("MUTUALAID_LOGIN_LOCKOUT", "10/15m").removesuffix("/key")
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{MUTUALAID_LOGIN_LOCKOUT}/key",
    "login": False,
    "signup": False,
    "reset_password": False,
    "reset_password_from_key": False,
    "change_password": "20/h/user",
}
MFA_ADAPTER = "mutualaid.members.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = SITE_NAME
MUTUALAID_REQUIRE_COORDINATOR_MFA = env_bool("MUTUALAID_REQUIRE_COORDINATOR_MFA", True)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ht", _("Haitian Creole")),
    ("fr", _("French")),
    ("zh-hans", _("Simplified Chinese")),
    ("ar", _("Arabic")),
]
# Django knows no Haitian Creole: without this entry the footer's language menu (language_name_local)
# and get_language_info fail. Arabic is right-to-left: base.html sets dir="rtl" from LANGUAGE_BIDI.
LANG_INFO["ht"] = {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"}
# Each app keeps its translations in its own locale/ folder.
USE_I18N = True
# The site's one date format ("Sat 12 Dec 2026", "sáb 12 dic 2026"): templates say date:"DATE_FORMAT".
FORMAT_MODULE_PATH = ["mutualaid.core.formats"]
TIME_ZONE = env_str("MUTUALAID_TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Hashed, gzip- and Brotli-precompressed files in STATIC_ROOT, collected by `mutualaid serve` / `demo` at
# start; until then WhiteNoise serves straight from the apps' static folders (see core/staticstorage.py).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "mutualaid.core.staticstorage.StaticStorage"},
}
WHITENOISE_AUTOREFRESH = DEBUG

# Security headers and cookies (see THREATS.md property 13; CSP is set by core.middleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's database sessions, their read written out (core/sessions.py).
SESSION_ENGINE = "mutualaid.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The CSRF secret lives in the session: a token taken from another member's page (or cookie) is refused.
# Visitors without a session keep it in a cookie, so reading a page writes no session (core/csrf.py).
CSRF_USE_SESSIONS = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("MUTUALAID_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
if env_bool("MUTUALAID_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment for a domain; the operator decides, not the software.
    "security.W021",
]

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Field encryption key ring (THREATS.md property 3): kept apart from the database.
MUTUALAID_KEY_FILE = Path(env_str("MUTUALAID_KEY_FILE", str(DATA_DIR / "keys.json")))
MUTUALAID_INVITATION_DAYS = env_int("MUTUALAID_INVITATION_DAYS", 7, minimum=1)
MUTUALAID_RETENTION_DAYS = env_int("MUTUALAID_RETENTION_DAYS", 30, minimum=1)
MUTUALAID_AUDIT_RETENTION_DAYS = env_int("MUTUALAID_AUDIT_RETENTION_DAYS", 90, minimum=1)
MUTUALAID_NEED_EXPIRY_DAYS = env_int("MUTUALAID_NEED_EXPIRY_DAYS", 30, minimum=1)
# Delivery planning's searches at once, a thread each (never more than the cores at hand): 1 keeps a core
# free for the web and the worker on a small server.
MUTUALAID_ROUTE_THREADS = env_int("MUTUALAID_ROUTE_THREADS", 2, minimum=1)

TASKS = {
    "default": {
        "BACKEND": env_str("MUTUALAID_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_HOST = env_str("MUTUALAID_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("MUTUALAID_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("MUTUALAID_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("MUTUALAID_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MUTUALAID_SMTP_STARTTLS", False)
DEFAULT_FROM_EMAIL = env_str("MUTUALAID_FROM_EMAIL", "mutualaid@localhost")

# Error reports (the debug page, an error mail an operator adds) hide second-factor codes and passwords
# in headers and form fields too, not only Django's own list.
DEFAULT_EXCEPTION_REPORTER_FILTER = "mutualaid.core.errors.ErrorReportFilter"

# No IP address or user agent in any log (THREATS.md property 5): our own formatter, no mail handler
# (its reports carry request.META), and the request logger records only the path and status.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("MUTUALAID_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
