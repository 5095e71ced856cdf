"""Athar settings: one module, every value read from the environment.

Two shapes share this file:
- development/demo (the default): SQLite under var/, Celery eager, a secret key generated once
  into var/ so sessions survive restarts. Nothing to install.
- production (`ATHAR_ENV=production`): SECRET_KEY must be given and DEBUG must be off, or the
  process refuses to start; secure cookies, HSTS and SSL redirect are on.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
ATHAR_ENV = env.str("ATHAR_ENV", default="development")
if ATHAR_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"ATHAR_ENV must be development, production or test, not {ATHAR_ENV!r}"
    )
PRODUCTION = ATHAR_ENV == "production"


def _development_secret_key() -> str:
    """A random key kept in var/ so that a demo's sessions survive a restart.

    Never used in production: there SECRET_KEY has no default at all.
    """
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "dev_secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY (at least 40 random characters) in the environment."
        )
    DEBUG = env.bool("DEBUG", default=False)
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to start with DEBUG on.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()
    DEBUG = env.bool("DEBUG", default=ATHAR_ENV == "development")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS in the environment.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "coding",
    "api",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "api.middleware.RefuseNulQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'athar.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
    # WAL lets the demo server read while a request writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "coding.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ATHAR_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path(
    "MEDIA_ROOT", default=str(VAR_DIR / ("test-media" if ATHAR_ENV == "test" else "media"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# WhiteNoise serves collected static files in production; elsewhere it reads app folders live.
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_USE_FINDERS = not PRODUCTION

LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:login"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the coding screen's ES modules read it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp 4; issue 13 item 18) ------------------------------
# Every page loads scripts, styles, images, fonts and API calls from this site only, and runs
# no inline script or style (the pages have none; the language menu is a module). Swagger UI
# at /api/docs/ runs under the same policy (api/urls.py: its set-up script and page styles
# are files). CSP_REPORT_ONLY=true sends the policy as Content-Security-Policy-Report-Only instead:
# browsers report violations (to CSP_REPORT_URI when set, and in the console) but block
# nothing, a way to try a changed policy on a live site first.
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
CSP_REPORT_URI = env.str("CSP_REPORT_URI", default="")
_CSP_DIRECTIVES: dict[str, object] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # data: for the empty favicon and Swagger UI's icons
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if CSP_REPORT_URI:
    _CSP_DIRECTIVES["report-uri"] = [CSP_REPORT_URI]
_CSP_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
CONTENT_SECURITY_POLICY = None if CSP_REPORT_ONLY else _CSP_POLICY
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY if CSP_REPORT_ONLY else None
MIDDLEWARE.append("csp.middleware.CSPMiddleware")

# --- Cache (throttling state) ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token scheme in one prepared query (same answers and errors; see the module).
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, encoded by orjson (api/renderers.py). DRF's browsable HTML API is left out:
    # nothing links to it (people explore the API in Swagger UI at /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.ORJSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("LOGIN_THROTTLE_RATE", default="10/min"),
        # The token endpoint also counts per account named (see the authentication block).
        "login_account": env.str("LOGIN_ACCOUNT_THROTTLE_RATE", default="10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # `?format=` selects an export format (csv, jsonl, …), not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Athar API",
    "DESCRIPTION": "Event coding of news articles: projects, articles, assignments, coded "
    "events with evidence spans (offsets in Unicode code points), agreement, adjudication "
    "and exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "coding.models.workflow.Assignment.Status",
        "CodebookVersionStatusEnum": "coding.models.codebook.CodebookVersion.Status",
        "DictionaryKindEnum": ["actor", "location"],
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker the demo runs tasks in-process (eager); with one, a real worker does.
# Tests run eagerly unless they start a real worker (tests/worker turns this off).
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL or ATHAR_ENV == "test"
)
CELERY_TASK_EAGER_PROPAGATES = True
# Results are kept only for tasks that ask for them (ignore_result=False), e.g. coding.ping.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL) or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took but never acknowledged (the worker died) is delivered again after
# the visibility timeout. Long work does not depend on it: runs and releases carry leases
# (below), a second delivery of work still leased by a live worker does nothing, and the
# sweep re-takes work whose worker died. So it can be short.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
# After-commit work is an outbox row (coding.models.OutboxItem); `coding.drain_outbox` does
# it on commit (best effort) and every ATHAR_OUTBOX_SWEEP_SECONDS from Celery beat, which
# also re-takes runs and releases whose lease (ATHAR_LEASE_SECONDS, renewed while working)
# has passed: a dead worker's work is picked up again within about lease + sweep seconds.
ATHAR_OUTBOX_SWEEP_SECONDS = env.float("ATHAR_OUTBOX_SWEEP_SECONDS", default=30.0)
ATHAR_LEASE_SECONDS = env.float("ATHAR_LEASE_SECONDS", default=180.0)
# A project recompute is split into chunks of this many articles, computed by any number of
# workers (coding.services.agreement_chunks): more workers, shorter recomputes.
ATHAR_AGREEMENT_CHUNK_ARTICLES = env.int("ATHAR_AGREEMENT_CHUNK_ARTICLES", default=500)
# A whole-project refresh of stored export renderings above this many gold events is cut
# into chunks of it that any worker takes (coding/services/export_rows_chunks.py).
ATHAR_EXPORT_REFRESH_CHUNK_EVENTS = env.int("ATHAR_EXPORT_REFRESH_CHUNK_EVENTS", default=10000)
# Run and release hand-overs before the work is marked failed (a retry action remains).
ATHAR_WORK_MAX_ATTEMPTS = env.int("ATHAR_WORK_MAX_ATTEMPTS", default=5)
# Project figures wait this long for more submissions; 0 when tasks run eagerly (the demo has
# no beat to run deferred work).
ATHAR_AGREEMENT_DEBOUNCE_SECONDS = env.float(
    "ATHAR_AGREEMENT_DEBOUNCE_SECONDS", default=0.0 if CELERY_TASK_ALWAYS_EAGER else 30.0
)
CELERY_BEAT_SCHEDULE = {
    "drain-outbox": {"task": "coding.drain_outbox", "schedule": ATHAR_OUTBOX_SWEEP_SECONDS}
}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)

# === Authentication hardening: trusted proxies, login lockout, API tokens ====================
# Kept in one block (it amends INSTALLED_APPS, MIDDLEWARE, CACHES and REST_FRAMEWORK above)
# so that it merges cleanly. README "Production" lists every variable read here.

# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default):
# the header is ignored and the client is the socket address. N: the client is the N-th
# address from the right, the one the outermost trusted proxy saw. A larger number than the
# real one lets clients choose their address, and so escape every per-address limit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# The token endpoint is throttled per client address ("login" in REST_FRAMEWORK above) and
# per account named in the request ("login_account"): neither many addresses nor many
# accounts buy more guesses.

# Throttle state lives in the cache; a per-process cache would multiply every limit by the
# number of workers, so production needs the shared Redis.
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured(
        "Production needs REDIS_URL in the environment (throttles are shared through it)."
    )
if REDIS_URL:
    # An unreachable Redis answers within a second; logins then go on without the rate
    # throttle (api/throttling.py logs a warning) while the lockout below, in PostgreSQL, holds.
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=1.0)
    }

# django-axes: after LOGIN_FAILURE_LIMIT failed sign-ins for one account from one address,
# that pair (and only that pair) is refused for LOGIN_LOCKOUT_MINUTES. Other accounts behind
# the same address, and the same account from elsewhere, still sign in. It covers every
# django.contrib.auth.authenticate() call: the sign-in form, /admin/login/ and the token
# endpoint. State is in PostgreSQL (the database handler), so it holds while Redis is down.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out do not extend the lockout (the right password typed during
# it must not keep its owner out for longer).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The same client address as the DRF throttles (TRUSTED_PROXY_COUNT above).
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_address"
# The account name as given, cut to an account's maximum length (django-axes stores it).
AXES_USERNAME_CALLABLE = "api.throttling.lockout_username"
AXES_LOCKOUT_CALLABLE = "frontend.views.auth.locked_out"

# API tokens: refused this many days after they were issued (0 = never expire). Signing in
# at the token endpoint again replaces an expired token with a new one.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=0)
if API_TOKEN_TTL_DAYS < 0:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be 0 (never expire) or more.")
# === end of authentication hardening ==========================================================

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

ATHAR = {
    # Uploads larger than this are refused before parsing.
    "MAX_IMPORT_BYTES": env.int("ATHAR_MAX_IMPORT_BYTES", default=200 * 1024 * 1024),
}

# --- Input limits and error handling (issue 13, items 7-14) ---------------------------------
# After PostgreSQL (or a pooler) drops an idle persistent connection, check it before the
# first query of a request and reconnect, instead of failing that request with a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Every JSON body goes through api.parsers.BoundedJSONParser (size and nesting bounds).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "api.parsers.BoundedJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# Uploads are counted as they arrive and refused (413) beyond MAX_IMPORT_BYTES, before they
# are spooled to memory or disk.
FILE_UPLOAD_HANDLERS = [
    "api.uploads.BoundedMemoryFileUploadHandler",
    "api.uploads.BoundedTemporaryFileUploadHandler",
]
ATHAR.update(
    {
        # A JSON body larger than this is refused (413); nested deeper than this, 400.
        "MAX_JSON_BODY_BYTES": env.int("ATHAR_MAX_JSON_BODY_BYTES", default=32 * 1024 * 1024),
        "MAX_JSON_DEPTH": env.int("ATHAR_MAX_JSON_DEPTH", default=64),
        # Evidence spans one event (coder or gold) may carry; identical spans are refused.
        "MAX_SPANS_PER_EVENT": env.int("ATHAR_MAX_SPANS_PER_EVENT", default=200),
        # An import report lists this many problems in full, then only counts them by kind.
        "MAX_IMPORT_REPORT_PROBLEMS": env.int("ATHAR_MAX_IMPORT_REPORT_PROBLEMS", default=200),
        # An upload of at most this many bytes is imported in the request (201, the job
        # finished); a larger one is stored and imported by a worker (202). 0: always a worker.
        "IMPORT_IN_REQUEST_MAX_BYTES": env.int(
            "ATHAR_IMPORT_IN_REQUEST_MAX_BYTES", default=8 * 1024 * 1024
        ),
    }
)
