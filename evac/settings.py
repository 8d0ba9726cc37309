"""evac's one settings module. Everything that differs between machines comes from the environment.

With nothing set, evac runs its demo on SQLite in the project folder. Production sets EVAC_SECRET_KEY,
EVAC_ALLOWED_HOSTS and DATABASE_URL; without EVAC_SECRET_KEY only the demo and the tests start
(see evac/wsgi.py and the serve command).
"""

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from evac.core.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("EVAC_VAR_DIR", str(BASE_DIR / "var")))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = envbool("EVAC_DEBUG", False)


def _development_secret() -> str:
    # A random key kept beside the demo database: never in the repo, never shared between clones.
    path = VAR_DIR / "development-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = envstr("EVAC_SECRET_KEY")
USING_DEVELOPMENT_SECRET = not SECRET_KEY
if USING_DEVELOPMENT_SECRET:
    SECRET_KEY = _development_secret()

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
    "django_tasks",
    "django_tasks_db",
    "evac.core",
    "evac.accounts",
    "evac.audit",
    "evac.situation",
    "evac.programs",
    "evac.rosters",
    "evac.cases",
    "evac.imports",
    "evac.intake",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "evac.core.middleware.NoStoreForStaffMiddleware",
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
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:organisations"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

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
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("EVAC_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = envbool("EVAC_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = envint("EVAC_HSTS_SECONDS", 0)
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

EMAIL_BACKEND = envstr("EVAC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

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
