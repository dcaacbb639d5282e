"""Settings for China Entry Advisor, read from environment variables (see docs/DEPLOY.md).

Local runs need nothing: SQLite in ``var/``, DEBUG on. ``DJANGO_ENV=production`` turns DEBUG
off, demands a real SECRET_KEY and ALLOWED_HOSTS, and switches on the HTTPS protections that
``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from advisor.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret_key,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_secret_key("SECRET_KEY", production=PRODUCTION, dev_default=_DEV_SECRET_KEY)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "clusters",
    "advisor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's database outage before anything else answers 500.
    "advisor.outage.OutageMiddleware",
]

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"
ASGI_APPLICATION = "advisor.asgi.application"

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
            ],
        },
    },
]

# Databases: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = env_url(
    "DATABASE_URL", "", ("postgres", "postgresql", "sqlite", "pgsql", "postgis")
)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
            # Keep the connection between requests, as for PostgreSQL: reopening it cost
            # more than a brief download's query, and it empties SQLite's statement cache.
            "CONN_MAX_AGE": 60,
            # A kept connection is checked before each request reuses it, so a worker does
            # not answer 500 on a stale connection after the database comes back.
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, lockouts, snapshot-independent data): Redis when configured, otherwise
# the database, so that two app processes still share one view of the counters. Either sits
# behind advisor.cache.FallbackCache: when it is down (Redis refusing connections, a
# read-only database dropping writes) counters fall back to process memory, never to a 500
# and never to no limit at all (docs/SECURITY.md).
REDIS_URL = env_url("REDIS_URL", "", ("redis", "rediss", "unix"))
if REDIS_URL:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "advisor"),
        # Fail fast when Redis is unreachable: the fallback answers instead.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    _shared_cache = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "advisor_cache",
    }
CACHES = {
    "default": {
        "BACKEND": "advisor.cache.FallbackCache",
        "OPTIONS": {"PRIMARY": "shared", "VERIFY_WRITES": not REDIS_URL},
    },
    # Its own alias so that `manage.py createcachetable` (and the test database) create the
    # database cache's table; use "default", which falls back when this one is down.
    "shared": _shared_cache,
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-dashboard"
LOGOUT_REDIRECT_URL = "home"

# Failed logins: lock a username+address pair out after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, not the load balancer's (advisor/clientip.py; NUM_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "advisor.clientip.client_ip"

# Internationalisation: Korean first, English second.
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "ko", ("ko", "en"))
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "advisor" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# The PDF brief's font files, cut from Noto Sans CJK KR by `manage.py build_brief_fonts`
# (advisor/briefs/fonts.py). Machine-local, like the database.
BRIEF_FONT_DIR = Path(env_str("BRIEF_FONT_DIR", str(VAR_DIR / "brief-fonts")))
# Development serves static files straight from the apps; production from collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads and generated briefs: the local file system by default, an S3-compatible bucket
# when AWS_STORAGE_BUCKET_NAME is set (credentials from the usual AWS_* variables).
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Behind a load balancer, NUM_PROXIES is the number of proxies that append to
# X-Forwarded-For (nginx, a cloud balancer: 1). 0 (the default) ignores the header. One rule
# for every limit: advisor/clientip.py (DRF's, here as REST_FRAMEWORK["NUM_PROXIES"]).
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SPREADSHEET_MAX_BYTES = env_int("SPREADSHEET_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# Django REST framework and the OpenAPI schema.
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns "not logged in" into a 401 (not a 403).
    # Session authentication still enforces CSRF for logged-in browser requests.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only: Swagger UI and Redoc (served from the app) replace the browsable API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_METADATA_CLASS": "advisor.api.metadata.Metadata",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "advisor.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "anon_assess": env_str("API_ANON_ASSESS_RATE", "30/hour"),
        "anon_whatif": env_str("API_ANON_WHATIF_RATE", "300/hour"),
        "anon": "600/hour",
        "user": "5000/hour",
    },
    "EXCEPTION_HANDLER": "advisor.api.errors.exception_handler",
    # Client address for rate limits: REMOTE_ADDR unless NUM_PROXIES (above) says how many
    # proxies to trust; never a client-supplied X-Forwarded-For on its own.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "China Entry Advisor API",
    "DESCRIPTION": "KIC China: rank China's city clusters for a Korean technology company.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"HealthStateEnum": "advisor.api.schema.HEALTH_STATES"},
    "TAGS": [
        {"name": "knowledge base", "description": "China's city clusters, cities, sectors, "
         "factors and glossary, every fact with its source. 지식 베이스 (공개)."},
        {"name": "assessments", "description": "Rank the clusters for a company; read the "
         "result and its PDF brief by the private token. 진출 평가."},
        {"name": "staff", "description": "KIC staff only: every assessment by id, filterable. "
         "Token: `python manage.py drf_create_token <username>`, then "
         "`Authorization: Token <key>`. 직원 전용."},
        {"name": "operations", "description": "Health check for the load balancer."},
    ],
}

# Public forms: requests per client address per hour before a polite 429.
PUBLIC_ASSESS_RATE = env_str("PUBLIC_ASSESS_RATE", "20/h")
PUBLIC_CONSULT_RATE = env_str("PUBLIC_CONSULT_RATE", "5/h")
RATELIMIT_VIEW = "advisor.web.views.ratelimited"
# The same client address as the API throttles and the login lockouts (advisor/clientip.py).
RATELIMIT_IP_META_KEY = "advisor.clientip.client_ip"

# Task queue for brief zips and spreadsheet imports (long work never runs in a request):
# Celery on Redis in production; without REDIS_URL, on kombu's SQLAlchemy transport in a
# SQLite file of its own beside the database (``make run`` starts the worker), so the
# queue's polling never takes the site database's write lock. CELERY_BROKER_URL overrides.
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL", REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'task-queue.sqlite3'}"
)
CELERY_RESULT_BACKEND = None
# Tests run tasks in the calling process (tests/conftest.py); a site never does.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
# A job with no progress for this long is marked failed (its worker stopped): advisor.jobs.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 300, minimum=1)
JOB_QUEUE_SECONDS = env_int("JOB_QUEUE_SECONDS", 900, minimum=1)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Content-Security-Policy (django-csp) on every response: scripts only from the site's own
# files (no inline script, no inline event handler), nothing from other hosts. Style
# attributes are allowed (a bar's width from its score) but not <style> elements. The API
# docs pages get their own, looser policy (advisor/api/urls.py). See docs/SECURITY.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): the site uses no device or sensor API.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "browsing-topics",
    )
}

# Security. Production turns on HTTPS-only cookies, HSTS and redirects.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
