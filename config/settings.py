"""Settings for the study-group board, read from the environment.

With no variables set this is the embedded default: SQLite in ./data, a filesystem
Celery broker, debug on. Setting SECRET_KEY switches to production defaults
(debug off, HTTPS-only cookies, HSTS); DATABASE_URL and REDIS_URL pick the real services.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))
# SQLite, the filesystem broker and uploads all live here; a fresh clone has no such folder.
DATA_DIR.mkdir(parents=True, exist_ok=True)

_secret_key = env.str("SECRET_KEY", default="")
PRODUCTION = bool(_secret_key)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# The fallback key only ever serves the embedded default on a developer's laptop.
SECRET_KEY = _secret_key or "embedded-default-not-secret-0b6f1d7c9a8e4b2f"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.meetings",
    "apps.deepdives",
    "apps.topics",
    "apps.links",
    "apps.papers",
    "apps.archive",
    "apps.board",
    "apps.search",
    "apps.group",
    "apps.demo",
]

MIDDLEWARE = [
    "apps.core.db.commits.CommitRecordMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Not LocaleMiddleware: the member's, the cookie's or the group's language, never the
    # browser's (apps/group/middleware.py).
    "apps.group.middleware.LanguageMiddleware",
    # Runs before the CSRF check (a view hook), which would read the whole body.
    "apps.core.uploads.UploadSizeMiddleware",
    "apps.accounts.middleware.SessionIdleMiddleware",
    "apps.accounts.middleware.BoardAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the login views' responses and turns a lockout into the page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.accounts.context_processors.board",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'board.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: WAL lets readers go on while
    # one writes, IMMEDIATE transactions avoid "database is locked" on upgrade to a write.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a worker process in the tests sees the same data;
    # one per test run, so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_DB_NAME", default=str(DATA_DIR / f"test-board-{os.getpid()}.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The same backends, noting whether a request's writes committed (apps.core.db.commits): its
# error page then says "saved" instead of inviting a duplicate resubmit.
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "apps.core.db.sqlite3",
    "django.db.backends.postgresql": "apps.core.db.postgresql",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A session ends after SESSION_IDLE_DAYS without a visit (the expiry moves forward at most
# once an hour, see SessionIdleMiddleware, so polling boards do not write every 2 s) and in
# any case SESSION_MAX_DAYS after the login. Login and password change issue a new key.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_DAYS", default=14) * 24 * 3600
SESSION_MAX_AGE = env.int("SESSION_MAX_DAYS", default=90) * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A one-time password link (メンバー page) is good for this long, or until it is used.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_LINK_DAYS", default=7) * 24 * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ja")
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# Dates and times per language (config/formats/ja, config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

REDIS_URL = env.str("REDIS_URL", default="")
# Names this deploy in cache keys, so that pages cached by the previous release are not
# served with new templates. Defaults to the newest template's modification time.
RELEASE = env.str("RELEASE", default="") or str(
    max((int(p.stat().st_mtime) for p in (BASE_DIR / "templates").rglob("*.html")), default=0)
)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -------------------------------------------------------------------------------
# Without Redis the embedded default still runs a real worker: kombu's filesystem transport
# passes messages through files in the data folder, in our variant that writes each message
# atomically (config/filesystem_broker.py), so several writers and workers can share it.
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT = "config.filesystem_broker:Transport"
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # kombu polls the folder once a second by default: too slow for a board of cards.
        "polling_interval": 0.1,
    }
else:
    # A message taken by a worker that died (kill -9, a lost machine) is delivered again
    # after the visibility timeout. Longer than any task may run (the arXiv batch's 180 s
    # hard limit) and than retry countdowns (Slack's longest wait, 240 s), so nothing still
    # running or waiting is delivered twice; links are also put back sooner by the sweep.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="board")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
# Acknowledged when done, not when taken: a task whose worker dies is run again (tasks are
# idempotent), also when only the pool's child process was killed.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task must not hang when the broker is down: fail fast, the beat
# sweep re-queues what was missed.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "schedule-upcoming-meetings": {
        "task": "apps.group.tasks.schedule_upcoming_meetings",
        "schedule": env.float("MEETING_SCHEDULE_INTERVAL", default=3600.0),
    },
    "sweep-links": {
        "task": "apps.links.tasks.sweep_links",
        "schedule": env.float("LINK_SWEEP_INTERVAL", default=30.0),
    },
    "sweep-paper-searches": {
        "task": "apps.papers.tasks.sweep_paper_searches",
        "schedule": env.float("LINK_SWEEP_INTERVAL", default=30.0),
    },
    # Index updates whose on-commit work was lost (apps.search.indexing): within a minute.
    "sweep-pending-index": {
        "task": "apps.search.tasks.sweep_pending_index",
        "schedule": env.float("INDEX_SWEEP_INTERVAL", default=60.0),
    },
    "refresh-related-papers": {
        "task": "apps.papers.tasks.refresh_related_papers",
        "schedule": 3600.0,
    },
    "refresh-stale-links": {"task": "apps.links.tasks.refresh_stale_links", "schedule": 6 * 3600.0},
    "check-reminders": {"task": "apps.group.tasks.check_reminders", "schedule": 15 * 60.0},
}

# --- The group -----------------------------------------------------------------------------
GROUP_NAME = env.str("GROUP_NAME", default="機械学習勉強会")
MEETING_WEEKDAY = env.int("MEETING_WEEKDAY", default=4)  # Monday is 0; the group meets on Fridays
MEETINGS_AHEAD = env.int("MEETINGS_AHEAD", default=4)
BOARD_PUBLIC_READ = env.bool("BOARD_PUBLIC_READ", default=False)
# Slides uploaded as PDF after a meeting (apps.topics.materials).
SLIDES_MAX_BYTES = env.int("SLIDES_MAX_BYTES", default=20 * 1024 * 1024)
# The board's public address, for links that leave the site without a request (Slack, feeds).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Link previews -------------------------------------------------------------------------
# Fetching refuses every address that is not globally routable; an operator may allow named
# internal networks (CIDR list) and ports here.
LINK_FETCH_ALLOWED_NETWORKS = env.list("LINK_FETCH_ALLOWED_NETWORKS", default=[])
LINK_FETCH_ALLOWED_PORTS = env.list("LINK_FETCH_ALLOWED_PORTS", cast=int, default=[80, 443])
ARXIV_API_URL = env.str("ARXIV_API_URL", default="https://export.arxiv.org/api/query")
ARXIV_MIN_INTERVAL = env.float("ARXIV_MIN_INTERVAL", default=3.0)  # arXiv asks for one call per 3 s
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")
GITHUB_SOCIAL_IMAGE_URL = env.str(
    "GITHUB_SOCIAL_IMAGE_URL", default="https://opengraph.githubassets.com"
)
PYPI_URL = env.str("PYPI_URL", default="https://pypi.org")
# Where the other providers' APIs live (tests point them at local fake servers).
GITHUB_WEB_URL = env.str("GITHUB_WEB_URL", default="https://github.com")
HUGGINGFACE_URL = env.str("HUGGINGFACE_URL", default="https://huggingface.co")
HUGGINGFACE_THUMBNAILS_URL = env.str(
    "HUGGINGFACE_THUMBNAILS_URL", default="https://cdn-thumbnails.huggingface.co/social-thumbnails"
)
OPENREVIEW_API_URL = env.str("OPENREVIEW_API_URL", default="https://api2.openreview.net")
OPENREVIEW_API_V1_URL = env.str("OPENREVIEW_API_V1_URL", default="https://api.openreview.net")
ACL_ANTHOLOGY_URL = env.str("ACL_ANTHOLOGY_URL", default="https://aclanthology.org")
DOI_RESOLVER_URL = env.str("DOI_RESOLVER_URL", default="https://doi.org")
QIITA_URL = env.str("QIITA_URL", default="https://qiita.com")
ZENN_URL = env.str("ZENN_URL", default="https://zenn.dev")
NOTE_URL = env.str("NOTE_URL", default="https://note.com")
X_OEMBED_URL = env.str("X_OEMBED_URL", default="https://publish.twitter.com/oembed")
# Seconds between two calls to one provider family, e.g. "qiita=30,github=0.5"; the defaults
# are in apps/links/provider_limits.py.
LINK_PROVIDER_INTERVALS = {
    family: float(seconds)
    for family, seconds in env.dict("LINK_PROVIDER_INTERVALS", default={}).items()
}
LINK_REFRESH_DAYS = env.int("LINK_REFRESH_DAYS", default=7)
# Seconds a pending link may wait unqueued: then the sweep queues it (again; a second task
# for a link already queued finds it claimed). With the sweep every 30 s, a link saved while
# the broker was down is fetched within a minute of its return.
LINK_SWEEP_GRACE = env.float("LINK_SWEEP_GRACE", default=30.0)
# One fetch, its thumbnail included, ends within this (the worker's hard limit stops it), so a
# claim older than this plus a margin belongs to a worker that died: beat's sweep fetches again.
LINK_FETCH_TIME_LIMIT = env.float("LINK_FETCH_TIME_LIMIT", default=45.0)

# --- Uploads -------------------------------------------------------------------------------
# A request body over UPLOAD_MAX_REQUEST_BYTES is refused unread; of each file only the first
# UPLOAD_MAX_FILE_BYTES + 1 bytes are kept (the import limits are 2 MB a file).
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_MB", default=100) * 1024 * 1024
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_MB", default=2) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "apps.core.uploads.CappedMemoryFileUploadHandler",
    "apps.core.uploads.CappedTemporaryFileUploadHandler",
]

# --- Security ------------------------------------------------------------------------------
# X-Forwarded-Proto is trusted only behind a proxy that sets it: without one, any client
# could claim https and pass for a secure request.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks probe plain http from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Login throttling (django-axes) -------------------------------------------------------
# Failed logins are counted per account name and, separately, per client address; either one
# over the limit locks that name or address for the cool-off time. Unknown names are counted
# like real ones, so a lockout tells nothing about which accounts exist. Organizers unlock on
# the members page (/accounts/members/), staff also in the admin.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=8)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Not reset on success: a success would clear every failure from that address, so an
# attacker with an account of their own could log in between guesses and never be locked.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.login_name"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy every request comes from the proxy: name the header it sets
# (HTTP_X_FORWARDED_FOR; its last entry is taken, the one the proxy wrote) so that the
# proxy's address is not every member's address.
LOGIN_CLIENT_IP_HEADER = env.str("LOGIN_CLIENT_IP_HEADER", default="REMOTE_ADDR")
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_address"
AXES_VERBOSE = False

# Players of slides and videos that cards may show in a sandboxed frame (apps.links.embeds).
EMBED_HOSTS = (
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "speakerdeck.com",
    "www.slideshare.net",
    "docs.google.com",
    "www.docswell.com",
)

# --- Content-Security-Policy (django-csp), in production and in the embedded default ---------
# Scripts and styles only from this site's static files: no inline script, no inline style,
# no eval. Thumbnails are served by the board itself, so images need no other host; frames
# only from the players above. CSP_REPORT_ONLY=1 sends the same policy as report-only.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": [f"https://{host}" for host in EMBED_HOSTS],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Feed URLs carry a member's token: access lines (runserver's) are logged without queries.
    "filters": {"without_query": {"()": "apps.core.log_filters.WithoutQueryString"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.server": {
            "handlers": ["console"],
            "filters": ["without_query"],
            "propagate": False,
        },
    },
}
