"""Settings, read from the environment (12-factor) with safe defaults for the embedded demo.

In production (SAFEPASSAGE_ENV=production) the service refuses to start with a default secret,
without explicit data keys, or with DEBUG on.
"""

import ipaddress
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
PREVIOUS_INDEX_KEYS_ENV = os.environ.get("SAFEPASSAGE_PREVIOUS_INDEX_KEYS", "")  # while rotating
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
    # First, so that its `createsuperuser` (which points to `create-user`) replaces Django's.
    "safepassage.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "safepassage.runner",
    "safepassage.protection",
    "safepassage.audit",
    "safepassage.registry",
    "safepassage.intake",
    "safepassage.linkage",
    "safepassage.triage",
    "safepassage.airlift",
    "safepassage.credentials",
    "safepassage.messaging",
    "safepassage.engagements",
    "safepassage.resettlement",
    "safepassage.dashboard",
    "safepassage.operations",
]

MIDDLEWARE = [
    "safepassage.operations.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safepassage.accounts.middleware.SecondFactorMiddleware",  # django-otp's, and the IdP's
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
# After WhiteNoise, so static files keep their long caching; every response of the application
# itself is `Cache-Control: no-store` (safepassage.protection.middleware), and carries the
# Content-Security-Policy below (django-csp).
MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
                  "safepassage.protection.middleware.NoStoreMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")

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

# Optional single sign-on through the organisation's OpenID Connect provider (docs/operations.md).
OIDC_ISSUER = os.environ.get("SAFEPASSAGE_OIDC_ISSUER", "")
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_PROVIDER_NAME = os.environ.get("SAFEPASSAGE_OIDC_PROVIDER_NAME", "your organisation")
OIDC_RP_CLIENT_ID = os.environ.get("SAFEPASSAGE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("SAFEPASSAGE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("SAFEPASSAGE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("SAFEPASSAGE_OIDC_SCOPES", "openid profile groups")
OIDC_USE_PKCE = True
OIDC_VERIFY_SSL = os.environ.get("SAFEPASSAGE_OIDC_VERIFY_SSL", "1") == "1"
OIDC_TIMEOUT = 10
OIDC_CALLBACK_CLASS = "safepassage.accounts.oidc.SignInCallback"
OIDC_AUTHENTICATE_CLASS = "safepassage.accounts.oidc.SignInRequest"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sign-in/?sso=refused"
# The claim that carries the person's groups, and which group value gives which role, in order
# of precedence: "sp-admins=administrator,sp-supervisors=supervisor,sp-caseworkers=caseworker".
OIDC_ROLE_CLAIM = os.environ.get("SAFEPASSAGE_OIDC_ROLE_CLAIM", "groups")
OIDC_ROLE_MAP = [
    tuple(item.strip().rsplit("=", 1))
    for item in os.environ.get("SAFEPASSAGE_OIDC_ROLES", "").split(",") if "=" in item
]
# The ID token must report a second factor (amr), unless the provider enforces one for us.
OIDC_PROVIDER_ENFORCES_MFA = os.environ.get("SAFEPASSAGE_OIDC_PROVIDER_ENFORCES_MFA", "0") == "1"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS,
                               "safepassage.accounts.oidc.StaffOIDCBackend"]

LOGIN_URL = "accounts:sign-in"
# The site's public address, for links printed by commands (`create-user`).
BASE_URL = os.environ.get("SAFEPASSAGE_BASE_URL", "http://127.0.0.1:8000")
LOGIN_REDIRECT_URL = "registry:case-list"

# Sessions end after 30 idle minutes (each request renews them) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SAFEPASSAGE_SESSION_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_FAILURE_VIEW = "safepassage.accounts.views.csrf_failure"
SECURE_SSL_REDIRECT = PRODUCTION and os.environ.get("SAFEPASSAGE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
# Subdomains too, in production: a plain-HTTP sibling (staff.example.org next to
# registry.example.org) could otherwise set cookies for the parent domain or be used to strip TLS
# (decision 0027). An operator whose domain serves other sites over plain HTTP turns it off with
# SAFEPASSAGE_HSTS_INCLUDE_SUBDOMAINS=0, and `check --deploy` says so. Preload is their choice.
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get(
    "SAFEPASSAGE_HSTS_INCLUDE_SUBDOMAINS", "1" if PRODUCTION else "0") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("SAFEPASSAGE_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = ["security.W021"]
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

# One cache that every process shares, so that rate limits (the public form's per address and
# per phone number, the partner API's per token) count across gunicorn workers: a table of the
# database by default (`safepassage createcachetable` after `migrate`), Redis when REDIS_URL is
# set. Sign-in lockouts (django-axes) are kept in the database, or in that Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "safepassage"}
    if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "safepassage_cache",
     "OPTIONS": {"MAX_ENTRIES": 100_000}}
}
if REDIS_URL:
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"

# Content-Security-Policy (django-csp): our own scripts and styles only, no inline script, no
# plugin, no framing, forms post to us. Pages that need more say so per view (the API's Redoc);
# the offline verifier page sets its own, with the hashes of its inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
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
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project-wide style sheet; apps keep their own
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
    # A service's ValidationError or missing object answers as a problem document, never a 500.
    "EXCEPTION_HANDLER": "safepassage.service_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafePassage partner API",
    "DESCRIPTION": "Refer people at risk in bulk and follow your own referrals.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# No personal data in logs: our code logs identifiers only, each line carries the request's id and
# the acting user's id (safepassage.operations.logs). JSON lines in production, text otherwise.
LOG_FORMAT = os.environ.get("SAFEPASSAGE_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "safepassage.operations.logs.RequestContext"}},
    "formatters": {"line": {"()": "safepassage.operations.logs.JsonLines"} if LOG_FORMAT == "json"
                   else {"format": "%(asctime)s %(levelname)s %(name)s "
                                   "[%(request_id)s user=%(user_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line",
                             "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEPASSAGE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # One line per request comes from safepassage.operations.middleware, by view name and
        # not by path: Django's own would repeat it for every 4xx.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # twilio logs every request it makes at INFO (URLs, headers): ours say what matters.
        "twilio.http_client": {"level": "WARNING"},
    },
}

# --- operations: health, metrics, errors (docs/operations.md) -----------------------------------
# /healthz, /readyz and /metrics answer a bearer token, or addresses on these networks.
OPERATIONS_TOKEN = os.environ.get("SAFEPASSAGE_OPERATIONS_TOKEN", "")
OPERATIONS_NETWORKS = [ipaddress.ip_network(n.strip()) for n in os.environ.get(
    "SAFEPASSAGE_OPERATIONS_NETWORKS",
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
).split(",") if n.strip()]
# Not ready when a background task or a due message has waited longer than this.
OPERATIONS_TASK_LAG_SECONDS = int(os.environ.get("SAFEPASSAGE_READY_TASK_LAG_SECONDS", "600"))
OPERATIONS_OUTBOX_LAG_SECONDS = int(os.environ.get("SAFEPASSAGE_READY_OUTBOX_LAG_SECONDS", "600"))
# Backups: encrypted to the recovery public key(s) (age), written here, kept this many days.
BACKUP_RECIPIENTS = os.environ.get("SAFEPASSAGE_BACKUP_RECIPIENT", "")
BACKUP_DIR = Path(os.environ.get("SAFEPASSAGE_BACKUP_DIR", VAR_DIR / "backups"))
BACKUP_RETENTION_DAYS = int(os.environ.get("SAFEPASSAGE_BACKUP_RETENTION_DAYS", "35"))
# Errors to Sentry (started by the operations app, scrubbed: safepassage.operations.errors).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")

# Number of independent hash chains in the audit log: appends on different lanes do not wait for
# each other, which keeps concurrent writers on PostgreSQL from queueing on a single chain head.
AUDIT_LANES = int(os.environ.get("SAFEPASSAGE_AUDIT_LANES", "8"))

# The instant duplicate check of a small registration (a form, an API referral): "background"
# (after the commit, by the background runner: the registrant's answer does not wait for fuzzy
# matching) or "inline" (inside the registration, slower under a surge).
LINKAGE_INSTANT_CHECK = os.environ.get("SAFEPASSAGE_DUPLICATE_CHECK", "background")
if LINKAGE_INSTANT_CHECK not in {"background", "inline"}:
    raise ImproperlyConfigured(
        "SAFEPASSAGE_DUPLICATE_CHECK must be background or inline (the background runner, "
        "`safepassage run-tasks`, does the checks that used to need a process of their own).")

# --- the background runner (docs/decisions/0030-background-runner.md) ------------------------
# Django's tasks API (the django-tasks backport) with its database backend: tasks are rows of our
# own database, worked by `safepassage run-tasks`. A broker-backed backend replaces it here.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAFEPASSAGE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        # intake: accepted submissions registered (decision 0092), never behind a duplicate check.
        "QUEUES": ["default", "imports", "intake"],
    }
}
# A worker not seen for this long is taken for dead, and its task is taken up by another; after
# this many workers died on one task, it is given up with its reason.
RUNNER_LEASE_SECONDS = float(os.environ.get("SAFEPASSAGE_TASK_LEASE_SECONDS", "30"))
RUNNER_MAX_CLAIMS = 3
# Periodic tasks: seconds between two runs.
RUNNER_SCHEDULE = {
    "safepassage.dashboard.tasks.refresh_dashboard":
        float(os.environ.get("SAFEPASSAGE_DASHBOARD_REFRESH_SECONDS", "30")),
    # Checks whose wake-up was lost (a web process killed just after a commit).
    "safepassage.linkage.tasks.check_duplicates": 60.0,
    # Accepted submissions whose registration task gave up (decision 0092): tried again.
    "safepassage.intake.tasks.register_submissions": 45.0,
    "safepassage.runner.tasks.prune_finished_tasks": 24 * 3600.0,
    # Providers' callbacks stored by the webhooks (a wake-up lost with a killed web process),
    # and messages not delivered in time moved to the next channel.
    "safepassage.messaging.tasks.process_webhooks": 5.0,
    "safepassage.messaging.tasks.fall_back_undelivered": 30.0,
    # The week's placement batch, run when due (resettlement.services.run_scheduled_batch):
    # checked hourly, run once a week on RESETTLEMENT_BATCH_WEEKDAY unless staff ran one.
    "safepassage.resettlement.tasks.run_weekly_batch": 3600.0,
}
RUNNER_KEEP_SUCCEEDED_DAYS = 7
# --- resettlement: weekly placement batches (docs/decisions/0066-waiting-families-first.md) ---
# The day of the week (0 = Monday) from which the runner places the week's families when no batch
# has been run that week.
RESETTLEMENT_BATCH_WEEKDAY = int(os.environ.get("SAFEPASSAGE_RESETTLEMENT_BATCH_WEEKDAY", "0"))
# A family that has waited more than this many weeks since it arrived is placed first: each of
# its scores gains RESETTLEMENT_WAIT_PRIORITY for every week past the cap (scores are 0 to 1).
RESETTLEMENT_WAIT_CAP_WEEKS = int(os.environ.get("SAFEPASSAGE_RESETTLEMENT_WAIT_CAP_WEEKS", "4"))
RESETTLEMENT_WAIT_PRIORITY = float(
    os.environ.get("SAFEPASSAGE_RESETTLEMENT_WAIT_PRIORITY", "1.0"))
RUNNER_KEEP_FAILED_DAYS = 30

# --- credentials: signed facilitation letters and boarding passes ---------------------------------
# The issuer's name in every token (short: it is in every QR code), the signature algorithm of new
# token keys ("EdDSA" = Ed25519, or "ES256" for verifiers that need P-256) and a letter's lifetime.
CREDENTIALS_ISSUER = os.environ.get("SAFEPASSAGE_CREDENTIALS_ISSUER", "SAFEPASSAGE")
CREDENTIALS_ALG = os.environ.get("SAFEPASSAGE_CREDENTIALS_ALG", "EdDSA")
CREDENTIALS_LETTER_DAYS = int(os.environ.get("SAFEPASSAGE_CREDENTIALS_LETTER_DAYS", "30"))

# --- messaging: the outbox, its channels and its worker (docs/messaging.md) ---------------------
MESSAGING_SMTP_HOST = os.environ.get("SAFEPASSAGE_SMTP_HOST", "127.0.0.1")
MESSAGING_SMTP_PORT = int(os.environ.get("SAFEPASSAGE_SMTP_PORT", "25"))
MESSAGING_SMTP_USER = os.environ.get("SAFEPASSAGE_SMTP_USER", "")
MESSAGING_SMTP_PASSWORD = os.environ.get("SAFEPASSAGE_SMTP_PASSWORD", "")
MESSAGING_SMTP_STARTTLS = os.environ.get("SAFEPASSAGE_SMTP_STARTTLS", "0") == "1"
MESSAGING_SMTP_SSL = os.environ.get("SAFEPASSAGE_SMTP_SSL", "0") == "1"
MESSAGING_EMAIL_FROM = os.environ.get(
    "SAFEPASSAGE_EMAIL_FROM", "SafePassage <no-reply@safepassage.invalid>"
)
MESSAGING_SMS_URL = os.environ.get("SAFEPASSAGE_SMS_URL", "")  # the gateway's send endpoint
MESSAGING_SMS_TOKEN = os.environ.get("SAFEPASSAGE_SMS_TOKEN", "")
MESSAGING_SMS_SENDER = os.environ.get("SAFEPASSAGE_SMS_SENDER", "SafePassage")
# The sender of the neutral codes sent to numbers given through the public form and not yet
# confirmed: empty = the gateway's own number, never a name that says what the code is for.
MESSAGING_SMS_NEUTRAL_SENDER = os.environ.get("SAFEPASSAGE_SMS_NEUTRAL_SENDER", "")
# A number given through the anonymous form hears only a neutral code until confirmed: at most
# this many codes a day, one at a time, each good for so many minutes and tries.
CONTACT_CODES_PER_DAY = int(os.environ.get("SAFEPASSAGE_CONTACT_CODES_PER_DAY", "3"))
CONTACT_CODE_MINUTES = int(os.environ.get("SAFEPASSAGE_CONTACT_CODE_MINUTES", "60"))
CONTACT_CODE_TRIES = 5
# Shared secret the gateway signs inbound webhooks with (HMAC-SHA256); unset: webhook refused.
MESSAGING_INBOUND_SECRET = os.environ.get("SAFEPASSAGE_SMS_INBOUND_SECRET", "")
MESSAGING_STATUS_PAGE_URL = os.environ.get("SAFEPASSAGE_STATUS_PAGE_URL", "")
MESSAGING_SEND_TIMEOUT = float(os.environ.get("SAFEPASSAGE_SEND_TIMEOUT", "10"))
MESSAGING_MAX_ATTEMPTS = int(os.environ.get("SAFEPASSAGE_MESSAGE_MAX_ATTEMPTS", "8"))
MESSAGING_RETRY_BASE_SECONDS = float(os.environ.get("SAFEPASSAGE_MESSAGE_RETRY_SECONDS", "30"))
MESSAGING_RETRY_MAX_SECONDS = 3600.0
MESSAGING_LEASE_SECONDS = int(os.environ.get("SAFEPASSAGE_MESSAGE_LEASE_SECONDS", "120"))
MESSAGING_BROADCAST_RATE_PER_MINUTE = int(os.environ.get("SAFEPASSAGE_BROADCAST_RATE", "600"))
MESSAGING_BROADCAST_MAX_RATE_PER_MINUTE = 6000

# Which provider carries each channel (docs/messaging.md, decision 0031). A channel is offered
# to people only when its provider is configured: SMS through the home-made "gateway", "twilio"
# or "rapidpro" (an external channel); WhatsApp through "cloud" (Meta's Cloud API) or "twilio";
# e-mail through "smtp" or "anymail" (Postmark); Telegram when a bot token is set.
MESSAGING_SMS_PROVIDER = os.environ.get("SAFEPASSAGE_SMS_PROVIDER", "gateway")
MESSAGING_WHATSAPP_PROVIDER = os.environ.get("SAFEPASSAGE_WHATSAPP_PROVIDER", "")
MESSAGING_EMAIL_PROVIDER = os.environ.get("SAFEPASSAGE_EMAIL_PROVIDER", "smtp")
# The address providers reach our webhooks at (Twilio signs the full URL it called).
MESSAGING_PUBLIC_URL = os.environ.get("SAFEPASSAGE_PUBLIC_URL", "").rstrip("/")
# A WhatsApp or SMS message without a "delivered" receipt after this long goes once to the
# person's next channel (WhatsApp -> SMS -> e-mail).
# On a channel whose provider cannot recognise a message sent again (SMTP, Twilio, WhatsApp,
# Postmark, Telegram), the worker records what it sent every so many messages: a worker killed
# mid-batch sends at most this many twice (decision 0033). The gateway and RapidPro dedupe.
MESSAGING_UNRECORDED_LIMIT = int(os.environ.get("SAFEPASSAGE_MESSAGE_UNRECORDED_LIMIT", "10"))
MESSAGING_FALLBACK_SECONDS = float(os.environ.get("SAFEPASSAGE_FALLBACK_SECONDS", "900"))
WHATSAPP_API_URL = os.environ.get("SAFEPASSAGE_WHATSAPP_API_URL",
                                  "https://graph.facebook.com/v21.0").rstrip("/")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("SAFEPASSAGE_WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_ACCESS_TOKEN = os.environ.get("SAFEPASSAGE_WHATSAPP_ACCESS_TOKEN", "")
WHATSAPP_APP_SECRET = os.environ.get("SAFEPASSAGE_WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("SAFEPASSAGE_WHATSAPP_VERIFY_TOKEN", "")
# The approved template that opens a conversation: one body parameter, the notice's text.
WHATSAPP_TEMPLATE = os.environ.get("SAFEPASSAGE_WHATSAPP_TEMPLATE", "safepassage_notice")
# The boarding pass's template: an image header (the pass's QR code) and the same body.
WHATSAPP_PASS_TEMPLATE = os.environ.get("SAFEPASSAGE_WHATSAPP_PASS_TEMPLATE",
                                        "safepassage_boarding_pass")
TWILIO_API_URL = os.environ.get("SAFEPASSAGE_TWILIO_API_URL", "https://api.twilio.com")
TWILIO_ACCOUNT_SID = os.environ.get("SAFEPASSAGE_TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("SAFEPASSAGE_TWILIO_AUTH_TOKEN", "")
TWILIO_SMS_FROM = os.environ.get("SAFEPASSAGE_TWILIO_SMS_FROM", "")
TWILIO_WHATSAPP_FROM = os.environ.get("SAFEPASSAGE_TWILIO_WHATSAPP_FROM", "")
RAPIDPRO_SEND_URL = os.environ.get("SAFEPASSAGE_RAPIDPRO_SEND_URL", "")
RAPIDPRO_SECRET = os.environ.get("SAFEPASSAGE_RAPIDPRO_SECRET", "")
TELEGRAM_API_URL = os.environ.get("SAFEPASSAGE_TELEGRAM_API_URL",
                                  "https://api.telegram.org").rstrip("/")
TELEGRAM_BOT_TOKEN = os.environ.get("SAFEPASSAGE_TELEGRAM_BOT_TOKEN", "")
TELEGRAM_SECRET_TOKEN = os.environ.get("SAFEPASSAGE_TELEGRAM_SECRET_TOKEN", "")
# E-mail through anymail: Postmark's API (a stand-in in tests and the bench); WEBHOOK_SECRET is
# the "user:password" of the basic authentication Postmark's webhooks carry.
MESSAGING_ANYMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": os.environ.get("SAFEPASSAGE_POSTMARK_SERVER_TOKEN", ""),
    "POSTMARK_API_URL": os.environ.get("SAFEPASSAGE_POSTMARK_API_URL",
                                       "https://api.postmarkapp.com/"),
    "WEBHOOK_SECRET": os.environ.get("SAFEPASSAGE_ANYMAIL_WEBHOOK_SECRET", ""),
}

# --- intake: public form, partner API, imports (docs/intake.md) -------------------------------
INSTALLED_APPS += ["drf_spectacular_sidecar"]  # Swagger UI and Redoc served from here, no CDN
SPECTACULAR_SETTINGS |= {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Public form: a person on a shared mobile connection (carrier NAT) must not be locked out by
# their neighbours, so the limits per address are generous; they stop floods, not families.
INTAKE_REGISTRATIONS_PER_HOUR = int(os.environ.get("SAFEPASSAGE_REGISTRATIONS_PER_HOUR", "60"))
INTAKE_STATUS_CHECKS_PER_HOUR = int(os.environ.get("SAFEPASSAGE_STATUS_CHECKS_PER_HOUR", "120"))
# Partner API requests per token and minute (a batch of up to 1,000 households is one request).
INTAKE_API_REQUESTS_PER_MINUTE = int(os.environ.get("SAFEPASSAGE_API_REQUESTS_PER_MINUTE", "3000"))
# How long a server process remembers an API token it looked up (decision 0094): a revocation
# takes effect in the other processes within this many seconds. 0: look it up every request.
INTAKE_API_TOKEN_CACHE_SECONDS = float(
    os.environ.get("SAFEPASSAGE_API_TOKEN_CACHE_SECONDS", "5"))
INTAKE_CLIENT_IP_HEADER = os.environ.get("SAFEPASSAGE_CLIENT_IP_HEADER", "")  # behind a proxy
# Accepted submissions (decision 0092) the worker registers in one transaction: a worker killed
# in the middle loses no more than these (they are rolled back and registered by the next).
INTAKE_REGISTER_PER_TRANSACTION = int(
    os.environ.get("SAFEPASSAGE_REGISTER_PER_TRANSACTION", "100"))
# Bot check: a form sent sooner than this after it was shown, or from a page older than a day,
# is held and shown again (a person sends it again; a script gets no reference).
INTAKE_FORM_MIN_SECONDS = float(os.environ.get("SAFEPASSAGE_FORM_MIN_SECONDS", "3"))
INTAKE_FORM_MAX_AGE_SECONDS = 24 * 3600
# Rows of a spreadsheet imported in one transaction (whole households): a killed import resumes
# after its last committed chunk.
INTAKE_IMPORT_ROWS_PER_TRANSACTION = int(
    os.environ.get("SAFEPASSAGE_IMPORT_ROWS_PER_TRANSACTION", "1000"))
# What an imported file may hold (docs/security.md, "Limits"): a file over one is refused, with
# the limit and the figure; the zip directory of an XLSX is checked before anything is inflated,
# rows, columns and cells while the file is read, row by row, in the background runner.
INTAKE_IMPORT_MAX_BYTES = int(os.environ.get("SAFEPASSAGE_IMPORT_MAX_BYTES", "50000000"))
INTAKE_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("SAFEPASSAGE_IMPORT_MAX_UNPACKED_BYTES", "200000000"))
INTAKE_IMPORT_MAX_RATIO = int(os.environ.get("SAFEPASSAGE_IMPORT_MAX_RATIO", "100"))
INTAKE_IMPORT_MAX_ROWS = int(os.environ.get("SAFEPASSAGE_IMPORT_MAX_ROWS", "100000"))
INTAKE_IMPORT_MAX_COLUMNS = int(os.environ.get("SAFEPASSAGE_IMPORT_MAX_COLUMNS", "100"))
INTAKE_IMPORT_MAX_CELL_CHARS = int(os.environ.get("SAFEPASSAGE_IMPORT_MAX_CELL_CHARS", "10000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000_000  # a batch of 1,000 registrations is about 1 MB
# The partner API's JSON (docs/security.md, "Limits"): a larger body is refused unread, a deeper
# one before it is parsed, each with a 400 problem document naming the limit.
INTAKE_API_MAX_BODY_BYTES = int(os.environ.get("SAFEPASSAGE_API_MAX_BODY_BYTES", "10000000"))
INTAKE_API_MAX_JSON_DEPTH = int(os.environ.get("SAFEPASSAGE_API_MAX_JSON_DEPTH", "20"))
# The project-wide stylesheet lives in safepassage/static, which is not an app: without this line
# no finder saw it and every page was served unstyled (found while weighing the public form).
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- dashboard: how old (seconds) the aggregates behind the operations picture may be before a
# page view recomputes them; the background runner refreshes them every
# SAFEPASSAGE_DASHBOARD_REFRESH_SECONDS (RUNNER_SCHEDULE) so that no page view waits.
DASHBOARD_MAX_AGE_SECONDS = float(os.environ.get("SAFEPASSAGE_DASHBOARD_MAX_AGE_SECONDS", "60"))
