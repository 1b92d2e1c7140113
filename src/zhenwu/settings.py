"""zhenwu settings: everything a deployment changes comes from the environment (see README)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("ZHENWU_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("ZHENWU_DEBUG", False)

# Development fallbacks; `zhenwu check-deploy` refuses them.
DEV_SECRET_KEY = "zhenwu-dev-insecure-secret-key-do-not-use-in-production"
DEV_DATA_KEY = "1:0123456789abcdeffedcba9876543210"
DEV_INDEX_KEY = "6e697574616e672d696e6465782d6b65792d646576"
DEV_AUDIT_KEY = "6e697574616e672d61756469742d6b65792d646576"
DEV_LICENCE_PRIVATE_KEY = "4bb89096be79411fbf387e9d391dc891b3217713a3da46d6388b57c1a767e128"
DEV_LICENCE_PUBLIC_KEY = (
    "04e112bfb596133b32fc62d9183c86728b865239a2810979b010beda0eac0ae9f4"
    "dd31797cbcc0efdbd4b1c5b93a37a3f9cfee590383c6b5ec559ae58ce4b01226"
)

SECRET_KEY = os.environ.get("ZHENWU_SECRET_KEY", DEV_SECRET_KEY)
# Comma-separated "keyid:hex" SM4 keys; the last one encrypts, all of them decrypt.
ZHENWU_DATA_KEY = os.environ.get("ZHENWU_DATA_KEY", DEV_DATA_KEY)
ZHENWU_INDEX_KEY = os.environ.get("ZHENWU_INDEX_KEY", DEV_INDEX_KEY)
ZHENWU_AUDIT_KEY = os.environ.get("ZHENWU_AUDIT_KEY", DEV_AUDIT_KEY)
# The audit chain head is appended here every minute (and logged to "zhenwu.audit.anchor", which a
# deployment routes to syslog): `zhenwu audit verify --anchor FILE` checks the chain against it.
ZHENWU_AUDIT_ANCHOR_FILE = os.environ.get("ZHENWU_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchor.jsonl"))
# SM2 key pair signing 电子证照 (64 hex private; 130 hex uncompressed public, published with each licence).
ZHENWU_LICENCE_PRIVATE_KEY = os.environ.get("ZHENWU_LICENCE_PRIVATE_KEY", DEV_LICENCE_PRIVATE_KEY)
ZHENWU_LICENCE_PUBLIC_KEY = os.environ.get("ZHENWU_LICENCE_PUBLIC_KEY", DEV_LICENCE_PUBLIC_KEY)
# Demo accounts (known passwords) may log in only when this is on; default follows DEBUG.
ZHENWU_DEMO_ACCOUNTS = env_bool("ZHENWU_DEMO_ACCOUNTS", DEBUG)
ZHENWU_TOWN_CODE = os.environ.get("ZHENWU_TOWN_CODE", "NT")
# Open311 POST requests per application and minute (an application's own posts_per_minute wins).
ZHENWU_OPEN311_POSTS_PER_MINUTE = int(os.environ.get("ZHENWU_OPEN311_POSTS_PER_MINUTE", "60"))
# Open311: the area a submitted lat/long must lie in (south,west,north,east, WGS84; roughly the town),
# and the origins a browser app may read the GET endpoints from ("*" for any, empty for none).
ZHENWU_OPEN311_BOUNDS = tuple(
    float(x) for x in os.environ.get("ZHENWU_OPEN311_BOUNDS", "31.65,119.80,31.80,120.00").split(",")
)
ZHENWU_OPEN311_CORS_ORIGINS = os.environ.get("ZHENWU_OPEN311_CORS_ORIGINS", "*").split()
# Uploaded images are re-encoded (core.services.reencode_image); larger ones are refused unread.
ZHENWU_IMAGE_MAX_PIXELS = int(os.environ.get("ZHENWU_IMAGE_MAX_PIXELS", "50000000"))
# A request body above this is refused with 413 before it is read (6 photos of 5 MB and the form).
ZHENWU_REQUEST_MAX_BYTES = int(os.environ.get("ZHENWU_REQUEST_MAX_BYTES", str(32 * 1024 * 1024)))
ZHENWU_UPLOAD_MAX_BYTES = int(os.environ.get("ZHENWU_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Working time used for SLA hours (start, end) pairs, local time.
ZHENWU_WORK_PERIODS = (("08:30", "12:00"), ("13:30", "17:30"))
# Outbox delivery per channel (sms, wechat, inbox); "default" catches the rest.
ZHENWU_NOTIFY_BACKENDS = {
    "default": os.environ.get("ZHENWU_NOTIFY_BACKEND", "zhenwu.core.notify.ConsoleBackend"),
    "sms": os.environ.get("ZHENWU_SMS_BACKEND", "zhenwu.core.notify.ConsoleBackend"),
    "wechat": os.environ.get("ZHENWU_WECHAT_BACKEND", "zhenwu.core.notify.ConsoleBackend"),
    "inbox": "zhenwu.core.notify.InboxBackend",
}
# Work orders: submissions per IP per hour on the public form, rework rounds before an order closes as 不满意.
ZHENWU_PUBLIC_SUBMIT_PER_HOUR = int(os.environ.get("ZHENWU_PUBLIC_SUBMIT_PER_HOUR", "10"))
ZHENWU_MAX_REWORK = 1
ZHENWU_PASSWORD_MAX_AGE_DAYS = 90
ZHENWU_PASSWORD_HISTORY = 5

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ZHENWU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ZHENWU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zhenwu.core",
    "zhenwu.audit",
    "zhenwu.orgs",
    "zhenwu.accounts",
    "zhenwu.dashboard",
    "zhenwu.portal",
    "zhenwu.workorders",
    "zhenwu.dispatch",
    "zhenwu.knowledge",
    "zhenwu.hotline",
    "zhenwu.assessment",
    "zhenwu.enterprises",
    "zhenwu.govservices",
    "zhenwu.campaigns",
]

MIDDLEWARE = [
    "zhenwu.core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhenwu.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhenwu.core.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhenwu.core.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhenwu.core.middleware.DomainErrorMiddleware",
    "zhenwu.core.middleware.BadPathMiddleware",
    "zhenwu.accounts.middleware.AccountPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhenwu.urls"
WSGI_APPLICATION = "zhenwu.wsgi.application"

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
                "zhenwu.accounts.context_processors.shell",
            ],
            "builtins": ["zhenwu.core.templatetags.calendar_tags"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'zhenwu.sqlite3'}",
        conn_max_age=int(os.environ.get("ZHENWU_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = (
        {"NAME": os.environ.get("ZHENWU_TEST_SQLITE", "")} if os.environ.get("ZHENWU_TEST_SQLITE") else {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zhenwu.accounts.backends.ZhenwuModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhenwu.accounts.validators.ComplexityValidator"},
    {"NAME": "zhenwu.accounts.validators.HistoryValidator"},
    {"NAME": "zhenwu.accounts.validators.NotUsernameValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# 30-minute idle timeout: the session row expires 30 minutes after it was last renewed, and a request
# renews it when the last renewal is over a minute old (core.middleware.SessionRenewalMiddleware), so
# a session ends 29-30 minutes after the last request without a session write on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
ZHENWU_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = not DEBUG and env_bool("ZHENWU_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_NAME = "zhenwu_session"

# Lockout: 5 failures -> 30 minutes (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
# 等保: 5 failures lock for 30 minutes — per account AND address, so nobody can lock a known
# account from elsewhere; one address trying many accounts is held by its own, wider limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
ZHENWU_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ZHENWU_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ZHENWU_BEHIND_TLS_PROXY", False) else None
)
if not DEBUG:
    SECURE_HSTS_SECONDS = int(os.environ.get("ZHENWU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("ZHENWU_SSL_REDIRECT", False)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ZHENWU_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ZHENWU_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("ZHENWU_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host named: kombu warns on each send otherwise
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "audit-seal": {"task": "zhenwu.audit.tasks.seal_audit_chain", "schedule": 10.0},
    "audit-anchor": {"task": "zhenwu.audit.tasks.export_audit_anchor", "schedule": 60.0},
    "notify-retry": {"task": "zhenwu.core.tasks.retry_notifications", "schedule": 60.0},
    "calendar-next-year": {"task": "zhenwu.core.tasks.check_next_calendar_year", "schedule": 86400.0},
    "dashboard-rollups": {"task": "zhenwu.dashboard.tasks.refresh_rollups", "schedule": 120.0},
    "dashboard-rollups-rebuild": {"task": "zhenwu.dashboard.tasks.rebuild_rollups", "schedule": 86400.0},
}
# A broker outage must not fail a committed request: publishing gives up fast and the outbox row
# waits for the beat sweep (core.notify); the cache degrades to no cache (core.cache).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CACHES = (
    {"default": {"BACKEND": "zhenwu.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhenwu.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {"TITLE": "zhenwu 镇务 API", "VERSION": "0.1.0"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHENWU_LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "zhenwu.core.errorviews.csrf_failure"
# Lockout is per account (等保: 5 failures -> 30 min). Locking by IP would lock a whole town hall behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
