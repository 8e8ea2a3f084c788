"""Settings for xinxuan, all in one file and driven by the environment.

Every variable is documented in README.md ("Configuration").  Development and the
embedded SQLite demo need none of them; production sets at least
XINXUAN_SECRET_KEY, XINXUAN_DATABASE_URL, XINXUAN_ALLOWED_HOSTS and XINXUAN_HTTPS.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XINXUAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept under var/."""
    key = os.environ.get("XINXUAN_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _caches(url: str) -> dict:
    if url.startswith(("redis://", "rediss://", "unix://")):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif url.startswith("file://"):
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": url.removeprefix("file://"),
        }
    elif url.startswith("db://"):
        backend = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url.removeprefix("db://") or "xinxuan_cache",
        }
    elif url in {"", "locmem://"}:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    elif url == "dummy://":
        backend = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    else:
        raise ValueError(f"XINXUAN_CACHE_URL: unsupported cache URL {url!r}")
    return {"default": backend}


DEBUG = env_bool("XINXUAN_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("XINXUAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("XINXUAN_CSRF_TRUSTED_ORIGINS", "")
# a refused form is explained in the user's language (Django's own page is English)
CSRF_FAILURE_VIEW = "xinxuan.accounts.views.csrf_failure"
# How many reverse proxies in front of the application append to X-Forwarded-For.
TRUSTED_PROXIES = int(os.environ.get("XINXUAN_TRUSTED_PROXIES", "0"))

INSTALLED_APPS = [
    "xinxuan.accounts",
    "xinxuan.organisation",
    "xinxuan.files",
    "xinxuan.submissions",
    "xinxuan.outcomes",
    "xinxuan.scoring",
    "xinxuan.appraisal",
    "xinxuan.bulletins",
    "xinxuan.portal",
    "xinxuan.comments",
    "xinxuan.lib",
    "xinxuan.jobs",
    "django_tasks",
    "django_tasks_db",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.frontend_cache",
    "wagtail.sites",
    # Wagtail's user screens with our scoping (xinxuan/accounts/viewsets.py).
    "xinxuan.accounts.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "captcha",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every page, the cached ones included (xinxuan/lib/csp.py).
    "xinxuan.lib.csp.ContentSecurityPolicyMiddleware",
    # Anonymous portal pages from the cache before sessions, routing or the database.
    "xinxuan.portal.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Malformed input that Wagtail's screens would let raise: a 400 with a message.
    "xinxuan.lib.bad_input.BadInputMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("XINXUAN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'xinxuan.sqlite3'}"),
        conn_max_age=int(os.environ.get("XINXUAN_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: wait for the lock instead of failing,
    # and let readers proceed while one writer works.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound on the server, so that psycopg can prepare a statement once a
    # connection has run it XINXUAN_DB_PREPARE_THRESHOLD times: the workbench's hot
    # statements (one recorded outcome runs about thirty) are then neither parsed nor
    # planned again.  "off" for a pooler in transaction mode (PgBouncer's
    # pool_mode=transaction before 1.21), which cannot keep prepared statements.
    _prepare = os.environ.get("XINXUAN_DB_PREPARE_THRESHOLD", "5").strip().lower()
    if _prepare != "off" and not _prepare.isdigit():
        raise ValueError(
            f"XINXUAN_DB_PREPARE_THRESHOLD: a number of executions or off, not {_prepare!r}"
        )
    if _prepare != "off":
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": int(_prepare),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Tasks (django-tasks).  "background" is the long work a user waits for on a progress
# page — ledger imports and exports, rescoring after a rule-set change — queued in the
# database and run by `manage.py db_worker --backend background` (README, Operations).
# "default" keeps Wagtail's own small follow-ups of a save (search and reference
# index) in the request, as before.  The tests run both immediately (tests/conftest.py).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

CACHES = _caches(os.environ.get("XINXUAN_CACHE_URL", "locmem://"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Lockout after repeated failures (django-axes): by user name and address together,
# so that one reader cannot lock out another, and by address alone across user names
# (password spraying) with a higher limit, because a whole office may sit behind one
# address.  xinxuan/accounts/lockout.py weighs the two limits.
AXES_FAILURE_LIMIT = int(os.environ.get("XINXUAN_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("XINXUAN_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = float(os.environ.get("XINXUAN_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "xinxuan.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True

# Mail, for password reset links.  Without a mail server no link can reach anybody, so
# the "forgot password" link and views are off (404) until XINXUAN_EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("XINXUAN_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("XINXUAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("XINXUAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("XINXUAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("XINXUAN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("XINXUAN_EMAIL_FROM", "webmaster@localhost")
WAGTAIL_PASSWORD_RESET_ENABLED = bool(EMAIL_HOST)
AXES_CLIENT_IP_CALLABLE = "xinxuan.lib.net.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = os.environ.get("XINXUAN_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-wagtail"]
TIME_ZONE = os.environ.get("XINXUAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are internal records until a live portal page shows them: the
# application serves each one under /_files/ after checking who asks (xinxuan/files),
# and no web server may serve MEDIA_ROOT.  Stored names are random.
MEDIA_URL = "/_files/"
MEDIA_ROOT = Path(os.environ.get("XINXUAN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "xinxuan.files.storage.RandomNameStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security.  XINXUAN_HTTPS=1 is a production value: it turns on every HTTPS-only
# protection that `manage.py check --deploy` asks for.
HTTPS = env_bool("XINXUAN_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("XINXUAN_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin frame, so DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_HTTPONLY = True

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("XINXUAN_SITE_NAME", "信宣")
WAGTAILADMIN_BASE_URL = os.environ.get("XINXUAN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILADMIN_USER_LOGIN_FORM = "xinxuan.accounts.forms.LoginForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False  # offline intranets: never call home
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_USAGE_COUNT_ENABLED = False
WAGTAILEMBEDS_FINDERS: list[dict] = []  # no oEmbed look-ups on an offline intranet
# The portal indexes jieba-segmented text, so any backend works: the database backend
# by default, or e.g. XINXUAN_SEARCH_BACKEND=wagtail.search.backends.elasticsearch8 with
# XINXUAN_SEARCH_URLS=http://127.0.0.1:9200 (then `manage.py update_index`).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": os.environ.get("XINXUAN_SEARCH_BACKEND", "wagtail.search.backends.database"),
        # PostgreSQL: split on spaces only, no English stemming of the segmented text.
        "SEARCH_CONFIG": "simple",
    },
}
if os.environ.get("XINXUAN_SEARCH_URLS"):
    WAGTAILSEARCH_BACKENDS["default"]["URLS"] = env_list("XINXUAN_SEARCH_URLS", "")
    WAGTAILSEARCH_BACKENDS["default"]["INDEX"] = os.environ.get("XINXUAN_SEARCH_INDEX", "xinxuan")
    del WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]

# Portal caching (docs/portal.md): the application's own page cache, the lifetime a
# reverse proxy may keep a page between purges, and the proxy Wagtail purges on publish.
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("XINXUAN_PAGE_CACHE_SECONDS", "300"))
PORTAL_PROXY_CACHE_SECONDS = int(os.environ.get("XINXUAN_PROXY_CACHE_SECONDS", "300"))
PORTAL_LIST_SECONDS = int(os.environ.get("XINXUAN_LIST_SECONDS", "300"))
PORTAL_VIEW_FLUSH_SECONDS = float(os.environ.get("XINXUAN_VIEW_FLUSH_SECONDS", "30"))
# Floods: per client address and day, the view beacons and sponsor clicks taken into
# account at all, and those for any one page or sponsor (xinxuan/portal/counting.py).
PORTAL_ADDRESS_DAILY_CAP = int(os.environ.get("XINXUAN_COUNT_ADDRESS_DAILY_CAP", "2000"))
PORTAL_ADDRESS_TARGET_DAILY_CAP = int(os.environ.get("XINXUAN_COUNT_TARGET_DAILY_CAP", "50"))
if os.environ.get("XINXUAN_FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["XINXUAN_FRONTEND_CACHE_URL"],
        }
    }
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Images and documents belong to a unit (xinxuan/files, docs/architecture.md "Files").
WAGTAILIMAGES_IMAGE_MODEL = "files.UnitImage"
WAGTAILDOCS_DOCUMENT_MODEL = "files.UnitDocument"
WAGTAILIMAGES_IMAGE_FORM_BASE = "xinxuan.files.forms.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "xinxuan.files.forms.DocumentForm"
# Documents only through Wagtail's serve view, which asks before_serve_document.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "csv", "txt", "zip", "jpg", "png"]
WAGTAILUSERS_PASSWORD_ENABLED = True

# Reader-facing captcha (django-simple-captcha): images drawn locally.
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5
CAPTCHA_TEST_MODE = env_bool("XINXUAN_CAPTCHA_TEST_MODE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINXUAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "jieba": {"level": "WARNING"},
        # Wagtail logs every page action at INFO; the audit log already keeps them.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
AXES_VERBOSE = False

# ---------------------------------------------------------------------------
# Comments (xinxuan/comments; README "Configuration", docs/comments.md)
# An arithmetic captcha: the audio captcha of django-simple-captcha is English only.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
COMMENTS_MAX_LENGTH = int(os.environ.get("XINXUAN_COMMENTS_MAX_LENGTH", "1000"))
COMMENTS_EDIT_MINUTES = int(os.environ.get("XINXUAN_COMMENTS_EDIT_MINUTES", "15"))
COMMENTS_LEXICON_CHECK_SECONDS = float(os.environ.get("XINXUAN_LEXICON_CHECK_SECONDS", "5"))
# Dotted path of an IdentityVerifier class (xinxuan/comments/identity.py); empty = off.
COMMENTS_IDENTITY_VERIFIER = os.environ.get("XINXUAN_IDENTITY_VERIFIER", "")
# A reader's session ends after this many seconds (staff sessions keep Django's default).
COMMENTS_READER_SESSION_SECONDS = int(os.environ.get("XINXUAN_READER_SESSION_SECONDS", "86400"))
# "name=tries/seconds,..." overriding xinxuan/comments/limits.py DEFAULT_LIMITS,
# e.g. XINXUAN_COMMENTS_RATE_LIMITS="post-account=10/60,register-address=3/3600".
COMMENTS_RATE_LIMITS: dict[str, tuple[int, int]] = {
    name.strip(): (int(rate.split("/")[0]), int(rate.split("/")[1]))
    for name, rate in (
        item.split("=", 1) for item in env_list("XINXUAN_COMMENTS_RATE_LIMITS", "") if "=" in item
    )
}
# The portal's public address for sitemap.xml, feeds and canonical links
# (xinxuan/portal/addresses.py); empty: the Wagtail site's, else XINXUAN_BASE_URL.
PORTAL_BASE_URL = os.environ.get("XINXUAN_PORTAL_BASE_URL", "")
