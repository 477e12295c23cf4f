"""Settings for the petition archive: one file, every deployment difference from the
environment. `.env.example` lists the variables."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from petitions.house.dates import HOUSE_TIME_ZONE
from petitions_site.database import database_config, replica_configs

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Good for development only: the production entry point (wsgi.py) refuses to start with
# it unless DEBUG is on.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-set-DJANGO_SECRET_KEY"
SECRET_KEY = env("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
ADMIN_URL = env("DJANGO_ADMIN_URL", "admin/")
# The public address: every absolute link names it (petitions_site/middleware.py), and
# its host is allowed.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = [*ALLOWED_HOSTS, urlsplit(SITE_URL).hostname]

INSTALLED_APPS = [
    "petitions_site.apps.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "reversion",
    "rest_framework",
    "drf_spectacular",
    "django.contrib.sitemaps",
    "petitions",
    "responses",
    "limits",
]

MIDDLEWARE = [
    "petitions_site.observe.request_log",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "petitions_site.guard.request_guard",
    "petitions_site.watchdog.database_watchdog",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "petitions_site.ratelimit.rate_limit",
    "petitions_site.middleware.site_url_middleware",
    "petitions.cache.data_version_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "petitions_site.languages.home_language_redirect",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication: a signed-in clerk reads the primary.
    "petitions_site.replicas.read_database_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "petitions_site.urls"
WSGI_APPLICATION = "petitions_site.wsgi.application"

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

# The primary, and the streaming replicas of DATABASE_REPLICA_URLS (comma-separated)
# that public reads go to (petitions_site/replicas.py): one further behind than the
# bound is skipped; each process checks them this often.
DATABASES = {"default": database_config()} | replica_configs()
DATABASE_ROUTERS = ["petitions_site.replicas.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG_SECONDS = float(env("DATABASE_REPLICA_MAX_LAG_SECONDS", "30"))
DATABASE_REPLICA_CHECK_SECONDS = float(env("DATABASE_REPLICA_CHECK_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

REDIS_URL = env("REDIS_URL")
# Several web nodes (machines or containers) serve the site: everything they share is in
# the database, Redis or RELEASES_DIR (README, "Deployment"). Without Redis each node
# would keep its own pages and counts, and without RELEASES_DIR its own releases.
SEVERAL_WEB_NODES = env_bool("SEVERAL_WEB_NODES", False)
if SEVERAL_WEB_NODES and not REDIS_URL:
    raise ImproperlyConfigured("SEVERAL_WEB_NODES is set: set REDIS_URL to the shared Redis.")
if SEVERAL_WEB_NODES and not env("RELEASES_DIR"):
    raise ImproperlyConfigured(
        "SEVERAL_WEB_NODES is set: set RELEASES_DIR to storage every node shares."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "petitions",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds a rendered public page, and any value kept for pages, lives at most
# (petitions/cache.py); 0 keeps no page.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "60"))
# Where `release_dataset` writes the archive's citable releases and /data/releases/
# serves them from: storage every web node shares when several run.
RELEASES_DIR = Path(env("RELEASES_DIR", str(BASE_DIR / "releases")))
# Figures of the whole archive (statistics, counts, response times) are computed anew in
# a thread after a change, the last ones served meanwhile (petitions/cache.py).
REFRESH_FIGURES_IN_BACKGROUND = env_bool("REFRESH_FIGURES_IN_BACKGROUND", True)
# A House file a clerk uploads in the admin: its largest size, and whether its dry run
# and its write run in a thread after the request has answered (off in tests).
ADMIN_UPLOAD_MAX_BYTES = int(env("ADMIN_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_UPLOADS_IN_BACKGROUND = env_bool("IMPORT_UPLOADS_IN_BACKGROUND", True)

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses an account or address after too many.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_LOCKOUT_HOURS", "1"))
# Locked for an account and an address together: failing from one address locks no one
# out of another, and a login clears only its own account's failures from its address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Past this many failures an hour, an account (from any address) or an address (for any
# account) waits before each further try, twice as long each time (petitions_site/logins.py).
LOGIN_THROTTLE_ACCOUNT = int(env("LOGIN_THROTTLE_ACCOUNT", "5"))
LOGIN_THROTTLE_ADDRESS = int(env("LOGIN_THROTTLE_ADDRESS", "20"))
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "petitions_site.ratelimit.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# The House publishes its times on Ottawa's clock.
TIME_ZONE = HOUSE_TIME_ZONE
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY") else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing inline and nothing from another host: every script and style is a file of ours.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Requests per minute per client address (0: no limit), counted in Redis when REDIS_URL
# is set, else in the database: shared by every web process (petitions_site/ratelimit.py).
RATE_LIMITS = {
    "api": int(env("RATE_LIMIT_API", "240")),
    "exports": int(env("RATE_LIMIT_EXPORTS", "20")),
    "search": int(env("RATE_LIMIT_SEARCH", "60")),
    "stats": int(env("RATE_LIMIT_STATS", "30")),
    "feeds": int(env("RATE_LIMIT_FEEDS", "30")),
    "sitemaps": int(env("RATE_LIMIT_SITEMAPS", "10")),
}
# How many proxies in front of the site append to X-Forwarded-For: the client is the
# address the outermost of them saw. 0 (no proxy): X-Forwarded-For is ignored.
TRUSTED_PROXIES = int(env("DJANGO_TRUSTED_PROXIES", "0"))

# One JSON object a line on stderr (DJANGO_LOG_FORMAT=text for plain lines), and a line
# for each request with its time (petitions_site/observe.py) when DJANGO_REQUEST_LOG is on.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "petitions_site.observe.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("DJANGO_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "petitions.requests": {
            "level": "INFO" if env_bool("DJANGO_REQUEST_LOG", True) else "WARNING",
        },
    },
}
# Prometheus metrics at /metrics, answered only to these addresses or networks (404 to
# any other); empty: no metrics. Counted across gunicorn's workers when
# PROMETHEUS_MULTIPROC_DIR names a folder emptied at each start.
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")

# The JSON API: public and read-only, JSON only, no sessions (so no CSRF to manage).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Petition Archive API",
    "DESCRIPTION": (
        "Petitions to the House of Commons of Canada and the government's responses. "
        "Read-only. The petition list takes the same filters as the /petitions/ page, "
        "its CSV and JSON exports and its Atom feeds. Every answer carries an ETag: send "
        "it in If-None-Match to get 304 Not Modified when nothing changed. Pages reach "
        "the first 10,000 petitions of a filter; /petitions/export.json gives them all. "
        "Every field is described at /data/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "petitions.api.document_error_responses",
    ],
}
