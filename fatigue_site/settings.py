"""Settings for the fatigue_site project, driven by environment variables.

Development defaults apply only while DEBUG is on; with DEBUG off the site
refuses to start without a SECRET_KEY.
"""

import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY and with DEBUG off the web server refuses to start (fatigue_site/wsgi.py,
# asgi.py) and check --deploy warns; commands that need no key (makemigrations, migrate) still run,
# and one that does stops with Django's own error.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("django-insecure-development-only-key" if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
# The site's one host name (no port): shared pages are cached for it alone. Empty: the first plain
# ALLOWED_HOSTS entry (core/canonical.py, canonical_host()).
SITE_HOST = os.environ.get("SITE_HOST", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "fatigue_site.admin.AdminConfig",  # Django's admin on the project's AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # its templates (core/sitemaps.py)
    # Search's stored vector and its index (core/search.py) need it on every database, SQLite
    # included, where they stay empty: Django's checks refuse SearchVectorField and GinIndex without it.
    "django.contrib.postgres",
    "django_htmx",
    "simple_history",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "catalogue",
    "articles",
    "cart",
    "orders",
    # Last: the project package itself, for the commands that span the apps (seed_demo, setup_roles,
    # synthetic_catalogue). It has no models.
    "fatigue_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.permissions_policy",  # every response, page-cache hits and static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above gzip, so a shared page is stored compressed; above session, CSRF and messages, so it
    # sees every cookie they set before it stores anything (core/pages/).
    "core.pages.middleware.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",  # pages only: whitenoise serves static files precompressed
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.request_size_limit",
    "core.middleware.refuse_nul",
    "core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# How many proxies in front of the site append to X-Forwarded-For (a load balancer: 1). The client's
# address is read from that header only this far (core/clients.py); 0 reads REMOTE_ADDR.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# Admin logins: after 5 failures for one username from one address, that pair waits 15 minutes.
# Keyed on the pair, so nobody's failures lock out other staff (behind a balancer they would share
# an address) or the real user, who signs in from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clients.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

ROOT_URLCONF = "fatigue_site.urls"

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
                "core.context_processors.site",
                "cart.context_processors.cart",
                "articles.context_processors.footer",
            ],
            "libraries": {"site": "core.templatetags"},
        },
    },
]

WSGI_APPLICATION = "fatigue_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database answers within seconds (a 503 page), not after the OS's long timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent shoppers on the embedded default (docs/deploy.md, "SQLite"): readers never wait for the
    # writer (WAL); a transaction takes the write lock when it begins, so a second writer queues for up
    # to DB_LOCK_TIMEOUT seconds instead of failing at once when its read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("DB_LOCK_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Redis is the cache. Sessions are written to the database and cached, so a cart survives a
# Redis restart or flush; without REDIS_URL each process keeps a small cache of its own.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Shared pages (core/pages/) and the guide's body for visitors with a cart are cached this
# long at most; any change to what they show replaces them at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_GENERATION_CHECK_SECONDS = float(os.environ.get("PAGE_GENERATION_CHECK_SECONDS", "0.05"))
# Search result pages are shared once popular (asked for a few times in a generation), and at most this
# many of them a generation (core/pages/middleware.py): junk queries cannot fill the cache.
PAGE_CACHE_POPULAR_PAGES = int(os.environ.get("PAGE_CACHE_POPULAR_PAGES", "500"))
# Searches rendered (not served from the page cache) per minute from one client address; past it a 429
# (fatigue_site/search.py). 0 turns the limit off.
SEARCH_LIMIT_PER_MINUTE = int(os.environ.get("SEARCH_LIMIT_PER_MINUTE", "30"))
# On PostgreSQL, a search's queries are cut after this long and the visitor asked for fewer or more
# specific words (core/search.py), so that no query can hold a connection. 0: no timeout.
SEARCH_STATEMENT_TIMEOUT_MS = int(os.environ.get("SEARCH_STATEMENT_TIMEOUT_MS", "2000"))
RELEASE = os.environ.get("RELEASE", "")  # a build id: a deploy that changes it starts with fresh pages
BENCH_FLOOR = env_bool("BENCH_FLOOR")  # serve /bench/floor for make bench

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production: compressed files under hashed names, cached for a year by browsers (whitenoise).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads in production belong on shared storage behind the web server; one machine may serve them itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# Request size limits: a larger body gets a 413 (whole request) or a 400 (form fields), never a 500.
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # room for one image upload (core/images.py allows 8 MB)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Security headers on every response (SecurityMiddleware, XFrameOptionsMiddleware, CSP middleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],  # the admin's pages add 'unsafe-inline' for their style attributes (fatigue_site/admin.py)
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Browser features the site never uses, refused to its pages and to anything they could embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(),"
    " fullscreen=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(),"
    " payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
# Served over HTTPS (HTTPS=1, the default with DEBUG off): HSTS, secure cookies, redirect to HTTPS.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY"):
    # The load balancer terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs: one line per record on stdout, a request error with its traceback folded into its line.
# Nothing sensitive: Django logs the path of a failed request, never its body, cookies or session.
# A request that fails with an exception also queues that line as a mail to ADMINS (core/error_mail.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"()": "core.logs.OneLineFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"},
        "mail_admins": {"class": "core.error_mail.QueuedAdminEmailHandler", "formatter": "line"},
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["stdout", "mail_admins"], "level": "ERROR", "propagate": False},
        # Not Django's default handlers (with ADMINS, a mail sent inline, with the whole request, for any
        # django.* error, a refused Host header too): its records reach the root's stdout line.
        "django": {"handlers": []},
    },
}

# Sentry, when SENTRY_DSN is set (SENTRY_ENVIRONMENT names the environment; "production" by default).
# Like the logs, it gets no cookies, no request bodies, no user and no variables of the failing code.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        release=RELEASE or None,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
    )

SITE_NAME = os.environ.get("SITE_NAME", "Steady Strength")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"  # its markup only: the styles are ours, in static/css/site.css

# Guides whose medical review is older than this are listed as "review overdue" in the admin.
REVIEW_PERIOD_DAYS = int(os.environ.get("REVIEW_PERIOD_DAYS", "365"))

# The shop
CURRENCY = os.environ.get("CURRENCY", "USD")
CART_MAX_QUANTITY = 20
# Words of disease claims refused in product copy (catalogue/claims.py): whole words, any case.
DISEASE_CLAIM_WORDS = env_list(
    "DISEASE_CLAIM_WORDS",
    "cure,cures,cured,curing,treat,treats,treated,treating,treatment,treatments,"
    "prevent,prevents,prevented,preventing,prevention,preventive,heal,heals,healed,healing,"
    "diagnose,diagnoses,diagnosed,diagnosing,diagnosis,mitigate,mitigates,mitigated,mitigating,"
    "remedy,remedies",
)
CART_UNDO_SECONDS = 10 * 60
SHIPPING_FEE = Decimal(os.environ.get("SHIPPING_FEE", "4.95"))
FREE_SHIPPING_FROM = Decimal(os.environ.get("FREE_SHIPPING_FROM", "50.00"))
SHOP_EMAIL = os.environ.get("SHOP_EMAIL", "orders@localhost")
# How manage.py check_references introduces itself to the sites guides cite: the site and whom to ask.
LINK_CHECK_USER_AGENT = os.environ.get(
    "LINK_CHECK_USER_AGENT", f"Mozilla/5.0 (compatible; {SITE_NAME} link checker; +mailto:{SHOP_EMAIL})"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SHOP_EMAIL)
# Who is mailed a request's error (queued by the logging, LOGGING above): "Name <ops@example.com>,dev@example.com"
ADMINS = env_list("ADMINS")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # their sender
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "

# Email, sent in the background by the task worker (manage.py db_worker).
MAIL_BACKEND = os.environ.get(
    "MAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
SMTP_OPTIONS = {
    "host": os.environ.get("SMTP_HOST"),
    "port": int(os.environ["SMTP_PORT"]) if os.environ.get("SMTP_PORT") else None,
    "username": os.environ.get("SMTP_USER"),
    "password": os.environ.get("SMTP_PASSWORD"),
    "use_tls": env_bool("SMTP_TLS") or None,
    "timeout": 10,
}
MAILERS = {
    "default": {
        "BACKEND": MAIL_BACKEND,
        "OPTIONS": {k: v for k, v in SMTP_OPTIONS.items() if v is not None}
        if MAIL_BACKEND.endswith(".smtp.EmailBackend")
        else {},
    }
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ORDER_EMAIL_ATTEMPTS = 3

# Checkout limits (orders/limits.py): orders placed per window from one browser session, one email
# address and one client address (core/clients.py: behind a load balancer set TRUSTED_PROXIES,
# or every visitor shares its address). 0 turns a limit off.
ORDER_LIMIT_WINDOW_SECONDS = int(os.environ.get("ORDER_LIMIT_WINDOW_SECONDS", "3600"))
ORDER_LIMIT_PER_SESSION = int(os.environ.get("ORDER_LIMIT_PER_SESSION", "3"))
ORDER_LIMIT_PER_EMAIL = int(os.environ.get("ORDER_LIMIT_PER_EMAIL", "3"))
ORDER_LIMIT_PER_ADDRESS = int(os.environ.get("ORDER_LIMIT_PER_ADDRESS", "10"))
# Unpaid orders (orders/holds.py): stock is taken off sale when an order is placed, so what one client (its
# browser's cart, folded email or network, counted together) holds in orders not yet paid (bank transfers
# until paid, cash on delivery until shipped) is capped: units of one product (at least CART_MAX_QUANTITY,
# so one full line of a first order always fits) and units in all. 0 turns a cap off.
UNPAID_UNITS_PER_PRODUCT = int(os.environ.get("UNPAID_UNITS_PER_PRODUCT", "20"))
UNPAID_UNITS_TOTAL = int(os.environ.get("UNPAID_UNITS_TOTAL", "40"))
# Days after the order's day by whose end a bank transfer must be paid; manage.py cancel_unpaid_orders then
# cancels it and its items go back on sale. Fixed on each order when it is placed.
UNPAID_ORDER_HOLD_DAYS = int(os.environ.get("UNPAID_ORDER_HOLD_DAYS", "3"))
# Coupon codes tried on the cart page per window from one browser session and from one client address,
# applied or not (cart/limits.py): codes cannot be guessed by trying them all. 0 turns a limit off.
COUPON_TRIES_WINDOW_SECONDS = int(os.environ.get("COUPON_TRIES_WINDOW_SECONDS", "3600"))
COUPON_TRIES_PER_SESSION = int(os.environ.get("COUPON_TRIES_PER_SESSION", "10"))
COUPON_TRIES_PER_ADDRESS = int(os.environ.get("COUPON_TRIES_PER_ADDRESS", "30"))
# How long the confirmation page shows the customer's name, address and email after the order is placed.
ORDER_DETAILS_SECONDS = int(os.environ.get("ORDER_DETAILS_SECONDS", "3600"))
# How long the signed link to an order's page in its emails works (orders/links.py).
ORDER_LINK_MAX_AGE_DAYS = int(os.environ.get("ORDER_LINK_MAX_AGE_DAYS", "90"))
# "Track an order" emails that link again: tries per window (ORDER_LIMIT_WINDOW_SECONDS) from one client
# address, for one email address from one client address, and for one email address from anywhere,
# whether or not they match an order: a stranger's tries for someone's email stop at the pair's limit,
# long before the email's own ceiling would lock its owner out. 0 turns a limit off.
TRACK_LIMIT_PER_ADDRESS = int(os.environ.get("TRACK_LIMIT_PER_ADDRESS", "10"))
TRACK_LIMIT_PER_EMAIL_AND_ADDRESS = int(os.environ.get("TRACK_LIMIT_PER_EMAIL_AND_ADDRESS", "3"))
TRACK_LIMIT_PER_EMAIL = int(os.environ.get("TRACK_LIMIT_PER_EMAIL", "20"))
# The site's address in emails (links to orders), without a trailing slash. Empty: http(s)://SITE_HOST.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
