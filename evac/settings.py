"""evac's one settings module. Everything that differs between machines comes from the environment.

With nothing set, evac runs its demo on SQLite in the project folder. Production sets EVAC_SECRET_KEY,
EVAC_ALLOWED_HOSTS and DATABASE_URL; without EVAC_SECRET_KEY only the demo and the tests start
(see evac/wsgi.py and the serve command).
"""

import base64
import binascii
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from evac.core.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("EVAC_VAR_DIR", str(BASE_DIR / "var")))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = envbool("EVAC_DEBUG", False)


def _development_secret(filename: str, make) -> str:
    # A random value kept beside the demo database: never in the repo, never shared between clones, and
    # readable by its owner only from the moment it exists (created with its mode, never chmod-ed after).
    path = VAR_DIR / filename
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(make())
    return path.read_text().strip()


def _random_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


# Secrets that production must set. Without them only the demo and the tests start, on values generated
# into var/ (evac/wsgi.py and the serve command refuse to run on them).
DEVELOPMENT_SECRETS: list[str] = []

SECRET_KEY = envstr("EVAC_SECRET_KEY")
if not SECRET_KEY:
    SECRET_KEY = _development_secret("development-secret-key", lambda: secrets.token_urlsafe(50))
    DEVELOPMENT_SECRETS.append("EVAC_SECRET_KEY")

# The master key wraps each organisation's data key (evac/protection). Base64 of 32 random bytes:
#   openssl rand -base64 32
# After changing it, put the old one in EVAC_MASTER_KEY_PREVIOUS and run `evac rotate_keys --rewrap`.
EVAC_MASTER_KEY = envstr("EVAC_MASTER_KEY")
if not EVAC_MASTER_KEY:
    EVAC_MASTER_KEY = _development_secret("development-master-key", _random_key)
    DEVELOPMENT_SECRETS.append("EVAC_MASTER_KEY")
EVAC_MASTER_KEY_PREVIOUS = envlist("EVAC_MASTER_KEY_PREVIOUS")

# The Ed25519 key that signs audit exports (evac/audit/signing.py): base64 of the 32-byte private seed.
EVAC_AUDIT_SIGNING_KEY = envstr("EVAC_AUDIT_SIGNING_KEY")
if not EVAC_AUDIT_SIGNING_KEY:
    EVAC_AUDIT_SIGNING_KEY = _development_secret("development-audit-signing-key", _random_key)
    DEVELOPMENT_SECRETS.append("EVAC_AUDIT_SIGNING_KEY")
USING_DEVELOPMENT_AUDIT_KEY = "EVAC_AUDIT_SIGNING_KEY" in DEVELOPMENT_SECRETS
try:
    _audit_seed = base64.b64decode(EVAC_AUDIT_SIGNING_KEY, validate=True)
except binascii.Error:
    _audit_seed = b""
if len(_audit_seed) != 32:
    raise ImproperlyConfigured(
        "EVAC_AUDIT_SIGNING_KEY is not the base64 of 32 bytes (an Ed25519 private key's seed). "
        "Make one with: openssl rand -base64 32"
    )
del _audit_seed

USING_DEVELOPMENT_SECRET = bool(DEVELOPMENT_SECRETS)

ALLOWED_HOSTS = envlist("EVAC_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("EVAC_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "csp",
    # Before django_tasks_db: its `evac db_worker` wraps the worker's (evac/core/management/commands).
    "evac.core",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "evac.accounts",
    "evac.protection",
    "evac.audit",
    "evac.situation",
    "evac.programs",
    "evac.rosters",
    "evac.ranking",
    "evac.cases",
    "evac.imports",
    "evac.exports",
    "evac.matching",
    "evac.intake",
    "evac.notify",
    "evac.api",
    "evac.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "evac.core.middleware.NoStoreForStaffMiddleware",
    # Staff pages need the second factor (and org admins a security key): see evac/accounts/middleware.py.
    "evac.accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evac.urls"
WSGI_APPLICATION = "evac.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "evac" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "evac.core.context_processors.languages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default="sqlite:///" + str(VAR_DIR / "evac.sqlite3"),
        conn_max_age=envint("EVAC_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a command writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check (django-axes) runs before the password is even looked at.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:organisations"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Two-factor sign-in for staff (django-otp): a password, then a code from an authenticator app, a recovery
# code or a security key. Off only for the test suite and a demo: the settings refuse to load with it off
# outside debug mode, and `evac check` reports it (evac/accounts/checks.py).
EVAC_REQUIRE_2FA = envbool("EVAC_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = envstr("EVAC_OTP_ISSUER", "evac")
# Security keys (WebAuthn). The relying party is the host name staff type in (never an IP address: browsers
# refuse one); in debug mode the host and origin of the request are used, so the demo works on localhost.
EVAC_WEBAUTHN_RP_ID = envstr("EVAC_WEBAUTHN_RP_ID", (ALLOWED_HOSTS or ["localhost"])[0].lstrip("."))
EVAC_WEBAUTHN_ORIGINS = envlist("EVAC_WEBAUTHN_ORIGINS", "https://" + EVAC_WEBAUTHN_RP_ID)
EVAC_WEBAUTHN_RP_NAME = envstr("EVAC_WEBAUTHN_RP_NAME", "evac")

# Lockout (django-axes): 5 failures for one username, password or second factor alike, lock that username
# for an hour, from every address. By username and not by address: a botnet has many addresses, and an
# airport desk or an office behind one NAT would otherwise lock out all its staff for one person's typos.
AXES_FAILURE_LIMIT = envint("EVAC_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("EVAC_LOCKOUT_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address too, against rotating user agents or cookies: the count above is per
# username across every address, agent and cookie, so rotating them gains nothing.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A correct password alone must not wipe the count, or guessing second-factor codes would be unbounded:
# evac resets it itself once both factors are through.
AXES_RESET_ON_SUCCESS = False
# While locked, attempts are refused unread and do not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "evac.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "evac.accounts.lockout.client_ip"  # as the audit log: REMOTE_ADDR only
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit log already
AXES_SENSITIVE_PARAMETERS = ["password", "code", "csrfmiddlewaretoken"]

# Staff sessions end after an hour without activity, and with the browser.
SESSION_COOKIE_AGE = envint("EVAC_SESSION_SECONDS", 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production is a real secret key without debug, the only way evac/wsgi.py and `evac serve` start. There
# HTTPS is the default rather than something to remember; the tests and the demo run without it.
PRODUCTION = not DEBUG and not USING_DEVELOPMENT_SECRET
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("EVAC_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("EVAC_SSL_REDIRECT", PRODUCTION)
# A load balancer checks health over plain HTTP and does not follow a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A year, for evac's host and every name under it. A host on a shared domain that cannot commit every
# sibling to HTTPS sets EVAC_HSTS_INCLUDE_SUBDOMAINS=0 and EVAC_HSTS_PRELOAD=0.
SECURE_HSTS_SECONDS = envint("EVAC_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("EVAC_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("EVAC_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("EVAC_BEHIND_PROXY") else None

# No inline script or style, nothing from elsewhere: pages carry personal data and must not be scriptable
# by anything but evac's own files (HTMX is vendored).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("fa", _("Dari")),
    ("ps", _("Pashto")),
]
# Django knows Persian but not Dari by name, nor Pashto at all: name them as Afghans do.
LANG_INFO.update(
    {
        "fa": {"bidi": True, "code": "fa", "name": "Dari", "name_local": "دری"},
        "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
    }
)
# Staff work in English and French; applicants also in Dari and Pashto (the public pages).
STAFF_LANGUAGES = ["en", "fr"]
# Pashto is right-to-left but missing from Django's list.
LANGUAGES_BIDI = ["ar", "fa", "prs", "ps", "ur", "he"]
LOCALE_PATHS = [BASE_DIR / "evac" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Kabul"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "evac" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Mail to applicants leaves through evac/notify only, one applicant per message. The demo and development
# print it to the console; production sends through the SMTP server configured here.
EMAIL_BACKEND = envstr(
    "EVAC_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = envstr("EVAC_DEFAULT_FROM_EMAIL", "evac@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = envstr("EVAC_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EVAC_EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EVAC_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EVAC_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EVAC_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = envbool("EVAC_EMAIL_USE_SSL", False)
if EMAIL_USE_SSL:
    EMAIL_USE_TLS = False  # implicit TLS (port 465) replaces STARTTLS; Django refuses both at once
# A mail server that stops answering must not hold a page (or a worker) for ever.
EMAIL_TIMEOUT = envint("EVAC_EMAIL_TIMEOUT", 30)

# Background work (imports, later deduplication and allocation): rows in the database, run by
# `evac db_worker`; no broker. `evac demo` starts a worker beside the server.
TASKS = {
    "default": {
        "BACKEND": envstr("EVAC_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Case list page size.
CASES_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("EVAC_LOG_LEVEL", "WARNING")},
}
AUTH_USER_MODEL = "accounts.User"

if not EVAC_REQUIRE_2FA and not DEBUG:
    raise ImproperlyConfigured(
        "EVAC_REQUIRE_2FA=0 turns off two-factor sign-in: allowed only with EVAC_DEBUG=1 (the demo)."
    )
