"""Settings for sarcomainfo, read from the environment.

Local development: `DJANGO_DEBUG=1` (the Makefile sets it for `make run`).
Production: `DJANGO_SECRET_KEY`, `ALLOWED_HOSTS`, `DATABASE_URL` and usually `REDIS_URL`.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# Only ever used with DEBUG on, on a developer's own machine.
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-never-used-in-production"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local work run `make run`, which turns DJANGO_DEBUG on."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a development key or too weak for production: use at least 50 "
        "random characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the site's host names when DJANGO_DEBUG is off, "
        "e.g. ALLOWED_HOSTS=www.example.org."
    )

# HTTPS everywhere in production. Behind a proxy or load balancer that ends TLS, set
# PROXY_SSL_HEADER to the header it sets (usually X-Forwarded-Proto), and make sure the proxy
# overwrites that header on every request.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if os.environ.get("PROXY_SSL_HEADER"):
    header = "HTTP_" + os.environ["PROXY_SSL_HEADER"].upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (header, "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# Nothing in the browser reads these cookies; script never may.
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy on every response: our own files only, no inline script (a script
# that must be inline carries the request's nonce), no plugins, no framing, forms post here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

INSTALLED_APPS = [
    "sarcomainfo.apps.EditorialAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Full-text search and its index, on PostgreSQL; harmless on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "reversion",
    "axes",
    "sarcomainfo.apps.ProjectConfig",
    "reviews",
    "therapies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so a cached public page skips sessions, CSRF and authentication.
    "therapies.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it answers for a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sarcomainfo.urls"

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
                "django.template.context_processors.csp",
                "therapies.context_processors.organisation",
            ],
        },
    },
]

WSGI_APPLICATION = "sarcomainfo.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock from the start of their transaction, so two editors saving at
    # once wait their turn (and the second gets a conflict message) instead of an error.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out account or client before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After LOGIN_FAILURE_LIMIT failed logins, the account and the client address are each locked
# out for LOGIN_LOCKOUT_MINUTES; a successful login clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address as the rate limits see it (TRUSTED_PROXY_HOPS behind a proxy).
AXES_CLIENT_IP_CALLABLE = "therapies.ratelimit.client_address"

# An editor's or reviewer's session ends after this long without a request.
SESSION_COOKIE_AGE = int(os.environ.get("ADMIN_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How long a page may go between reviews before it is due again (PIF TICK: at most 3 years).
REVIEW_CYCLE_MONTHS = int(os.environ.get("REVIEW_CYCLE_MONTHS", "36"))

# Public pages are cached whole until the next publication (therapies/page_cache.py). How long
# browsers and CDNs may reuse one without asking again: 0, so they check its ETag each time and
# a publication reaches every reader at once. Raise it only with a CDN you can purge.
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "0"))
# How long an unread cached page is kept; a new edition makes it unreachable before that.
PUBLIC_PAGE_CACHE_SECONDS = 24 * 60 * 60
# How long each process may go on using the edition it last read before reading it again. A
# change to what readers see holds its own request this long after committing, so that when it
# returns every instance has the new edition. 0: read it on every request, and never wait.
PUBLIC_PAGE_EDITION_CHECK_SECONDS = float(os.environ.get("PUBLIC_PAGE_EDITION_CHECK_SECONDS", "1"))
# How many pages each process also keeps in its own memory (about 10 KB each).
PUBLIC_PAGE_LOCAL_ENTRIES = int(os.environ.get("PUBLIC_PAGE_LOCAL_ENTRIES", "1000"))

# Therapies per page on the public list.
THERAPIES_PER_PAGE = 20
# The home page names every drug up to this many; past it, it shows a letter index.
HOME_A_TO_Z_LIMIT = 100
# The best results of each kind a search shows; the drugs among them link to the whole list.
SEARCH_RESULTS_PER_GROUP = 10

# Who must approve a change before the senior medical editor's final approval publishes it.
REQUIRED_SIGN_OFFS = env_list("REQUIRED_SIGN_OFFS", "clinical_reviewer,lay_reviewer")

EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sarcomainfo <editorial@localhost>")
# Links in e-mails to the admin.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# How many proxies or load balancers in front of the app add to X-Forwarded-For (0: none; the
# reader's address is then REMOTE_ADDR). Used to tell readers apart for rate limits.
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

# Reader feedback: how many answers one client may send in a window.
FEEDBACK_LIMIT = int(os.environ.get("FEEDBACK_LIMIT", "5"))
FEEDBACK_WINDOW_SECONDS = int(os.environ.get("FEEDBACK_WINDOW_SECONDS", "600"))

# Searches that found nothing are counted for editors (therapies/search.py): each reader's
# count limited like feedback, a day's different searches bounded, a year and a month kept.
SEARCH_RECORD_LIMIT = int(os.environ.get("SEARCH_RECORD_LIMIT", "20"))
SEARCH_RECORD_WINDOW_SECONDS = int(os.environ.get("SEARCH_RECORD_WINDOW_SECONDS", "600"))
SEARCH_RECORD_DAILY_QUERIES = int(os.environ.get("SEARCH_RECORD_DAILY_QUERIES", "1000"))
SEARCH_RECORD_KEEP_DAYS = 400

# Pages whose SMOG grade is above this are listed on the editors' dashboard (the NHS's
# threshold to prioritise is 14).
READABILITY_SMOG_LIMIT = float(os.environ.get("READABILITY_SMOG_LIMIT", "14"))

# Where each production record's PDF is kept, named by its HTML's fingerprint, so the
# assessor's pack makes again only the PDFs of records that changed (reviews/evidence.py).
RECORD_PDF_DIR = Path(os.environ.get("RECORD_PDF_DIR", BASE_DIR / "var" / "record-pdfs"))

# Warnings and errors, server errors with their tracebacks included, go to standard error with
# the time, where gunicorn and the platform collect them. Django's default sends them, with
# DEBUG off, only to ADMINS by e-mail: nowhere, here.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Replaces Django's own "django" logger, which would print twice with DEBUG on.
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # It warns of each screen-only rule of the site's styles it skips when drawing a PDF.
        "weasyprint": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}
