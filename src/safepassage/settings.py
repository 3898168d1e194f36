"""Settings, read from the environment (12-factor) with safe defaults for the embedded demo.

In production (SAFEPASSAGE_ENV=production) the service refuses to start with a default secret,
without explicit data keys, or with DEBUG on.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SAFEPASSAGE_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file, the demo key file, collected static

ENVIRONMENT = os.environ.get("SAFEPASSAGE_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

_DEFAULT_SECRET = "insecure-development-secret-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SAFEPASSAGE_SECRET_KEY", _DEFAULT_SECRET)
DEBUG = os.environ.get("SAFEPASSAGE_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("SAFEPASSAGE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("SAFEPASSAGE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Data keys: AES-GCM keys for personal data at rest and an HMAC key for blind indexes. From the
# environment (SAFEPASSAGE_DATA_KEYS / SAFEPASSAGE_INDEX_KEY), or from a key file. The demo
# generates a random key file on first use, so no two installs share a key.
DATA_KEYS_ENV = os.environ.get("SAFEPASSAGE_DATA_KEYS", "")
INDEX_KEY_ENV = os.environ.get("SAFEPASSAGE_INDEX_KEY", "")
DATA_KEY_FILE = Path(os.environ.get("SAFEPASSAGE_DATA_KEY_FILE", VAR_DIR / "data-keys.json"))

if PRODUCTION:
    if SECRET_KEY == _DEFAULT_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SAFEPASSAGE_SECRET_KEY must be set to a random value of 32+ characters in production."
        )
    if not (DATA_KEYS_ENV and INDEX_KEY_ENV) and "SAFEPASSAGE_DATA_KEY_FILE" not in os.environ:
        raise ImproperlyConfigured(
            "Production needs explicit data keys: set SAFEPASSAGE_DATA_KEYS and "
            "SAFEPASSAGE_INDEX_KEY, or SAFEPASSAGE_DATA_KEY_FILE pointing outside the database "
            "host. Generate them with `safepassage generate-keys`."
        )
    if DEBUG:
        raise ImproperlyConfigured("SAFEPASSAGE_DEBUG must be off in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "safepassage.protection",
    "safepassage.accounts",
    "safepassage.audit",
    "safepassage.registry",
    "safepassage.intake",
    "safepassage.linkage",
    "safepassage.triage",
    "safepassage.airlift",
    "safepassage.credentials",
    "safepassage.messaging",
    "safepassage.engagements",
    "safepassage.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safepassage.urls"
WSGI_APPLICATION = "safepassage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safepassage.accounts.context_processors.staff_role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'safepassage.sqlite3'}",
        conn_max_age=int(os.environ.get("SAFEPASSAGE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue on the
    # busy timeout instead of failing on a read-to-write upgrade; WAL lets reads go on meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-safepassage.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "registry:case-list"

# Sessions end after 30 idle minutes (each request renews them) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SAFEPASSAGE_SESSION_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("SAFEPASSAGE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": no URL ever leaks to another site, while our own forms keep the Origin header
# that CSRF checks ("no-referrer" makes Chromium send Origin: null and refuse every sign-in).
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Failed sign-ins: five per username and address, then a 15-minute lock-out.
AXES_FAILURE_LIMIT = int(os.environ.get("SAFEPASSAGE_SIGNIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "SafePassage"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "safepassage",
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("fa-af", _("Dari")),
    ("ps", _("Pashto")),
]
LANG_INFO.setdefault(
    "fa-af", {"bidi": True, "code": "fa-af", "name": "Dari", "name_local": "دری"}
)
LANG_INFO.setdefault("ps", {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"})
LANGUAGES_BIDI = ["he", "ar", "fa", "fa-af", "ps", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("SAFEPASSAGE_TIME_ZONE", "Asia/Kabul")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
(VAR_DIR / "static").mkdir(exist_ok=True)  # whitenoise serves from finders until collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafePassage partner API",
    "DESCRIPTION": "Refer people at risk in bulk and follow your own referrals.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# No personal data in logs: our code logs identifiers only; Django's request logger would log
# URLs, which never carry personal data by design (references and ids only).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEPASSAGE_LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"handlers": [], "propagate": False}},
}

# Number of independent hash chains in the audit log: appends on different lanes do not wait for
# each other, which keeps concurrent writers on PostgreSQL from queueing on a single chain head.
AUDIT_LANES = int(os.environ.get("SAFEPASSAGE_AUDIT_LANES", "8"))

# --- dashboard: how old (seconds) the aggregates behind the operations picture may be before a
# page view recomputes them; `safepassage refresh-dashboard --every 30` keeps them fresh instead.
DASHBOARD_MAX_AGE_SECONDS = float(os.environ.get("SAFEPASSAGE_DASHBOARD_MAX_AGE_SECONDS", "60"))
