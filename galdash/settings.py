"""GAL Dash settings: the only module that reads the environment.

Precedence: the process environment, then `.env.local`, then `.env`.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values
from redis.exceptions import ConnectionError as RedisConnectionError

from galdash import __version__

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = __version__  # what /health and the OpenAPI schema report
DATA_DIR = BASE_DIR / "data"


def read_environment(base_dir: Path, process_env) -> dict:
    """Merge `.env`, then `.env.local`, then the process environment (last wins).

    `GALDASH_IGNORE_DOTENV=1` (set by the test suite) skips both files, so tests never
    read a developer's `.env`.
    """
    merged: dict[str, str] = {}
    if process_env.get("GALDASH_IGNORE_DOTENV") != "1":
        for name in (".env", ".env.local"):
            values = dotenv_values(base_dir / name)
            merged.update({key: value for key, value in values.items() if value is not None})
    merged.update(process_env)
    return merged


ENV = read_environment(BASE_DIR, os.environ)


def env_str(name: str, default: str = "") -> str:
    return ENV.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = ENV.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = ENV.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from error


def env_list(name: str, default: list[str]) -> list[str]:
    value = ENV.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or .env) when DEBUG is off."
        )
    key_file = DATA_DIR / "dev-secret-key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS", ["http://localhost:3000", "http://127.0.0.1:3000"]
)
CORS_ALLOW_CREDENTIALS = True
CORS_EXPOSE_HEADERS = ["X-Request-ID", "X-Process-Time", "ETag", "Last-Modified", "Retry-After"]
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", ["http://localhost:8000", "http://127.0.0.1:8000"]
)

ENABLE_DASHBOARD = env_bool("ENABLE_DASHBOARD", True)
# Development servers get a known master password so `make run` can print it.
DASHBOARD_MASTER_PASSWORD = env_str("DASHBOARD_MASTER_PASSWORD") or ("galdash-dev" if DEBUG else "")
DASHBOARD_ACCOUNT_USERNAME = env_str("DASHBOARD_ACCOUNT_USERNAME", "dashboard")
DASHBOARD_ACCOUNT_ROLE = env_str("DASHBOARD_ACCOUNT_ROLE", "Administrator")
RIOT_API_KEY = env_str("RIOT_API_KEY")
RIOT_API_TIMEOUT_SECONDS = float(env_str("RIOT_API_TIMEOUT_SECONDS", "5") or 5)
RIOT_CACHE_TTL_SECONDS = env_int("RIOT_CACHE_TTL_SECONDS", 3600)
LOCK_TTL_SECONDS = env_int("LOCK_TTL_SECONDS", 300)
WS_IDLE_TIMEOUT_SECONDS = env_int("WS_IDLE_TIMEOUT_SECONDS", 45)
WS_QUEUE_SIZE = env_int("WS_QUEUE_SIZE", 50)
# Messages a client may send on one socket: a burst, then a steady rate (beyond: close 4029).
WS_MESSAGE_BURST = env_int("WS_MESSAGE_BURST", 60)
WS_MESSAGES_PER_SECOND = env_int("WS_MESSAGES_PER_SECOND", 5)
# A connected socket stays listed (/ws/status, /overlays) this long after its last ping.
PRESENCE_TTL_SECONDS = env_int("PRESENCE_TTL_SECONDS", 60)
# How often an open dashboard socket re-checks that its account may still stream.
WS_AUTH_CHECK_SECONDS = env_int("WS_AUTH_CHECK_SECONDS", 5)
OVERLAY_REQUIRE_KEY = env_bool("OVERLAY_REQUIRE_KEY", True)
# Failed logins per account and per client address before a cool-off (django-axes).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_SECONDS = env_int("LOGIN_COOLOFF_SECONDS", 300)
# Reverse proxies in front of daphne that append to X-Forwarded-For; 0: the socket's peer is
# the client and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")

# A graphic's canvas may be up to 5 MB; the request around it a little more.
GRAPHIC_DATA_MAX_BYTES = 5 * 1024 * 1024
REQUEST_BODY_MAX_BYTES = GRAPHIC_DATA_MAX_BYTES + 512 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "channels",
    "axes",
    "accounts",
    "config",
    "tournaments",
    "graphics",
]

MIDDLEWARE = [
    "core.middleware.ClientAddressMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.ReadTokensTogetherMiddleware",
    "core.middleware.AllowedHostMiddleware",
    "core.input.StorableInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "core.middleware.ApiGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused for too many failures into a 429.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out client
    "django.contrib.auth.backends.ModelBackend",
    "accounts.logins.MasterPasswordBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_COOLOFF_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # each counted on its own
AXES_RESET_ON_SUCCESS = False  # a success neither counts nor wipes others' failures
AXES_USERNAME_CALLABLE = "accounts.logins.attempted_username"
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.logins.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # accounts.AuthLog records every attempt
AXES_VERBOSE = False

# Paths answer with and without a trailing slash (ApiGuardMiddleware); never redirect a POST.
APPEND_SLASH = False

ROOT_URLCONF = "galdash.urls"
ASGI_APPLICATION = "galdash.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'galdash.sqlite3'}",
        conn_max_age=0,
        conn_health_checks=True,
    )
}
# Threads that run requests' synchronous work under daphne (core.handler): at most this many
# requests are inside Django at once; the others wait their turn on the event loop.
REQUEST_THREADS = env_int("REQUEST_THREADS", 8)
# Per process, the bodies of the graphics list and of single graphics rendered for the current
# state (graphics.rendered) take at most this many bytes.
RENDERED_BODIES_MAX_BYTES = env_int("RENDERED_BODIES_MAX_BYTES", 64 * 1024 * 1024)
# Per process, the users of valid access tokens kept while no user changes
# (accounts.tokens).
TOKEN_USERS_KEPT = env_int("TOKEN_USERS_KEPT", 10000)
# PostgreSQL connections are pooled per process (psycopg 3's pool): a request borrows one and
# gives it back when it ends, instead of opening a connection for every request. 0: no pool.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    if DATABASE_POOL_SIZE > 0:
        # With CONN_HEALTH_CHECKS (above) Django has the pool check a connection before lending
        # it, so one the server dropped while idle (a restart, a network cut) is replaced.
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1, "max_size": DATABASE_POOL_SIZE, "timeout": 1.5}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # A request thread keeps its SQLite connection (opening one, with its pragmas, was a quarter
    # of a cached read's CPU); the file is shared, so every connection reads the latest commit.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    # Django's backend, with a process's writing transactions queuing in order (core.sqlite).
    DATABASES["default"]["ENGINE"] = "core.sqlite"
    # IMMEDIATE: a writing transaction waits for the file lock instead of failing on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # A file, not memory, so server processes started by the tests share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-galdash.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py caps a pool at 100 connections by default; a burst of socket
                # connects must not hit that cap. Its default 5 s read timeout equals the
                # layer's 5 s blocking receive, so idle receives would fail at random: the
                # read timeout must be longer than the blocking pop. A pooled connection Redis
                # dropped (a restart) is reconnected and the command retried once, instead of
                # losing that event.
                "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 15,
                           "socket_connect_timeout": 5, "retry_on_error": [RedisConnectionError]}],
                "capacity": 1000,
                "expiry": 60,
                # Hubs renew their memberships at a third of this (realtime.hub).
                "group_expiry": env_int("CHANNEL_GROUP_EXPIRY_SECONDS", 86400),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed but not hashed: pages render whether or not collectstatic has run.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Cookies have their own switches, on whenever DEBUG is off (a TLS proxy may do the redirect).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

REST_FRAMEWORK = {
    # JWT for the dashboard and the bot; the admin's session (with its CSRF token on writes) for
    # staff browsing the API. JWT comes first, so a 401 still asks for a Bearer token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsReader"],
    "DEFAULT_PARSER_CLASSES": ["core.input.StrictJSONParser"],
    # JSON first: a client that accepts anything gets JSON; a browser asking for HTML gets the
    # browsable API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.GalDashAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": 0,  # the client address is REMOTE_ADDR (core.middleware)
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("ACCESS_TOKEN_MINUTES", 1440)),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=env_int("REFRESH_TOKEN_HOURS", 168)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": SECRET_KEY,
    # Tokens name their account by primary key, never by a name that can be changed or reused.
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "CHECK_USER_IS_ACTIVE": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "GAL Dash API",
    "DESCRIPTION": (
        "Live graphics and tournament backend of the Guardian Angel League. "
        "Log in with POST /auth/login or /auth/token and send `Authorization: Bearer <access_token>`."
    ),
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    # /docs and /redoc from our own static files, never a CDN (core.docs adds their CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema documents what clients use: Bearer tokens (the admin session is for browsing).
    "AUTHENTICATION_WHITELIST": ["accounts.tokens.TokenAuthentication",
                                 "accounts.tokens.OptionalTokenAuthentication"],
    "ENUM_NAME_OVERRIDES": {
        "TournamentStatusEnum": "tournaments.models.Tournament.Status",
        "RoundStatusEnum": "tournaments.models.Round.Status",
        "TransitionEnum": "graphics.models.Transition.values",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"()": "core.logs.SafeFormatter",
                            "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
