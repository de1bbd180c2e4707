"""ServPlan settings, driven by the environment.

Embedded mode (no environment at all) runs on SQLite under ./var with a
generated secret kept in ./var/secret_key, so `make run` needs nothing.
Production sets SERVPLAN_SECRET_KEY, DATABASE_URL, SERVPLAN_ALLOWED_HOSTS and
SERVPLAN_HTTPS=true.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SERVPLAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


# The generated key is key material: `manage.py backup` takes it along (sessions and reset links need it).
SERVPLAN_SECRET_KEY_FILE = VAR_DIR / "secret_key"


def _secret_key():
    if key := os.environ.get("SERVPLAN_SECRET_KEY"):
        return key
    key_file = SERVPLAN_SECRET_KEY_FILE
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SERVPLAN_DEBUG")
ALLOWED_HOSTS = os.environ.get("SERVPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SERVPLAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "core",
    "org",
    "customers",
    "catalog",
    "documents",
    "presales",
    "contracts",
    "servicedata",
    "strategy",
    "projects",
    "suppliers",
    "procurement",
    "reporting",
    "closure",
    "portal",
    "problems",
    "security",
    "improvement",
    "notifications",
    "assurance",
    "django_tasks",
    "django_tasks_db",
    "api",
]

MIDDLEWARE = [
    "core.ops.metrics.RequestMetricsMiddleware",  # first: its time covers every other middleware
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.UserPreferencesMiddleware",
    "core.middleware.OutsidePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servplan.urls"
WSGI_APPLICATION = "servplan.wsgi.application"
AUTH_USER_MODEL = "org.User"
# The models core's records point at for their drafting department and customer, named here (as
# AUTH_USER_MODEL is) so that core names no app.
SERVPLAN_DEPARTMENT_MODEL = "org.Department"
SERVPLAN_CUSTOMER_MODEL = "customers.Customer"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
# Where a customer contact (core.roles.OUTSIDE) lands: their own view; the company's pages are not theirs.
SERVPLAN_OUTSIDE_HOME = "portal:home"
LOGOUT_REDIRECT_URL = "login"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default: WAL for concurrent readers, IMMEDIATE
# transactions so two writers queue instead of failing on lock upgrade.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'servplan.sqlite3'}"),
        conn_max_age=int(os.environ.get("SERVPLAN_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Applied wherever a password is set: the user form, the password change page, createsuperuser/changepassword.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "org.passwords.NamePlusDigitsValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A signed-in session lasts a working day by default (Django's default is two weeks).
SESSION_COOKIE_AGE = int(float(os.environ.get("SERVPLAN_SESSION_AGE_HOURS", "10")) * 3600)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures, per user name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("SERVPLAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SERVPLAN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("SERVPLAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Dates and times read `2026-11-12 14:00` in both languages (servplan/formats), in the reader's zone.
FORMAT_MODULE_PATH = ["servplan.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names for far-future caching; gzip/brotli copies too when SERVPLAN_COMPRESS_STATIC is on
    # (slower collectstatic, smaller transfers: turn it on for deployments on slow links).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if env_bool("SERVPLAN_COMPRESS_STATIC") else "whitenoise.storage.ManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("SERVPLAN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Backups (`manage.py backup` / `restore`, see docs/operations.md): where they go by default, and the folder of
# pg_dump/pg_restore when the right version is not the one on PATH.
SERVPLAN_BACKUP_DIR = Path(os.environ.get("SERVPLAN_BACKUP_DIR", VAR_DIR / "backups"))
SERVPLAN_PG_BIN_DIR = os.environ.get("SERVPLAN_PG_BIN_DIR", "")

# Uploads: refused above this size, and only these types (checked by content).
SERVPLAN_UPLOAD_MAX_BYTES = int(os.environ.get("SERVPLAN_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# An uploaded or imported archive (XLSX, DOCX, ZIP) may unpack to at most this much (compressed-file bombs).
SERVPLAN_ARCHIVE_MAX_BYTES = int(os.environ.get("SERVPLAN_ARCHIVE_MAX_BYTES", str(200 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# API tokens (POST /api/token/) stop working this many hours after they were issued; a new POST issues a new one.
SERVPLAN_API_TOKEN_HOURS = float(os.environ.get("SERVPLAN_API_TOKEN_HOURS", str(24 * 30)))
# The OpenAPI schema (/api/schema/) and its docs (/api/docs/) need a login unless published with this.
SERVPLAN_PUBLIC_API_SCHEMA = env_bool("SERVPLAN_PUBLIC_API_SCHEMA")
# A one-time signing link of an acceptance certificate (closure) is valid this many hours after it is sent.
SERVPLAN_SIGNING_LINK_HOURS = float(os.environ.get("SERVPLAN_SIGNING_LINK_HOURS", "168"))
# The company's own clause map files (TOML, read after the built-in ISO/IEC 20000-1 map; os.pathsep-separated).
SERVPLAN_CLAUSE_MAP_FILES = [f for f in os.environ.get("SERVPLAN_CLAUSE_MAP_FILES", "").split(os.pathsep) if f]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.drf.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.drf.MatrixPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.drf.BoundedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.drf.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ServPlan API",
    "DESCRIPTION": "ISO/IEC 20000 service planning management: records, workflow, audit.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: no CDN, and the CSP stays strict.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names other choice sets use too ("kind", "decision"): named after what they are.
    "ENUM_NAME_OVERRIDES": {
        "DispositionKindEnum": "closure.choices.DispositionKind",
        "LessonKindEnum": "closure.choices.LessonKind",
        "AcceptanceDecisionEnum": "closure.models.acceptance.Decision",
        "AgreementDecisionEnum": "reporting.choices.AgreementDecision",
        "CauseCategoryEnum": "problems.choices.CauseCategory",
        "ProjectCategoryEnum": "projects.choices.ProjectCategory",
        "SupplierCategoryEnum": "suppliers.choices.SupplierCategory",
        "DecisionKindEnum": "strategy.choices.DecisionKind",
        "DecisionStatusEnum": "strategy.choices.DecisionStatus",
        "RuleActionEnum": "servicedata.choices.RuleAction",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Background work (Django's Tasks API, django-tasks backport): the ORM backend by default, run by
# `manage.py db_worker`; SERVPLAN_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs
# tasks inline (no worker).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SERVPLAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    },
}
# Workers that die are noticed (core.workers, docs/operations.md): every worker writes a heartbeat every
# SERVPLAN_JOB_HEARTBEAT_SECONDS; a running task whose worker has not beaten for SERVPLAN_JOB_LEASE_SECONDS is
# abandoned and run again from the start, at most SERVPLAN_JOB_MAX_ATTEMPTS times in all, then failed. The lease
# must outlast the longest single write transaction of a task (an import writes in batches of seconds).
SERVPLAN_JOB_LEASE_SECONDS = float(os.environ.get("SERVPLAN_JOB_LEASE_SECONDS", "60"))
SERVPLAN_JOB_HEARTBEAT_SECONDS = float(os.environ.get("SERVPLAN_JOB_HEARTBEAT_SECONDS", "5"))
SERVPLAN_JOB_MAX_ATTEMPTS = int(os.environ.get("SERVPLAN_JOB_MAX_ATTEMPTS", "3"))
# Tests only: a folder where tasks stop at named checkpoints until released (core.workers.checkpoint).
SERVPLAN_TASK_CHECKPOINT_DIR = os.environ.get("SERVPLAN_TASK_CHECKPOINT_DIR", "")

# Scaled out (docs/deployment.md; `make cluster`): switched on by the environment only, so `make run` needs nothing.
# - SERVPLAN_RQ_URL=redis://host:6379/0: background work on Redis (RQ, django-tasks-rq through core.rq_backend,
#   whose jobs are run again when their worker dies: `manage.py rq_worker --supervise`); the ORM backend stays
#   the default without it. SERVPLAN_RQ_JOB_TIMEOUT (seconds) bounds one job.
# - SERVPLAN_CACHE_URL=redis://host:6379/1: the cache (figures, the API schema) shared by every app instance;
#   local memory per process without it.
# - SERVPLAN_S3_BUCKET (+ SERVPLAN_S3_ENDPOINT_URL, SERVPLAN_S3_ACCESS_KEY_ID, SERVPLAN_S3_SECRET_ACCESS_KEY,
#   SERVPLAN_S3_REGION, SERVPLAN_S3_PREFIX): uploaded and generated files on S3-compatible storage
#   (django-storages), so every host sees them; MEDIA_ROOT on the local disk without it.
SERVPLAN_RQ_URL = os.environ.get("SERVPLAN_RQ_URL", "")
if SERVPLAN_RQ_URL:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_rq")
    RQ_QUEUES = {"default": {"URL": SERVPLAN_RQ_URL,
                             "DEFAULT_TIMEOUT": int(os.environ.get("SERVPLAN_RQ_JOB_TIMEOUT", "3600"))}}
    if "SERVPLAN_TASKS_BACKEND" not in os.environ:
        TASKS["default"]["BACKEND"] = "core.rq_backend.RQBackend"
SERVPLAN_CACHE_URL = os.environ.get("SERVPLAN_CACHE_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": SERVPLAN_CACHE_URL,
                      "KEY_PREFIX": "servplan"} if SERVPLAN_CACHE_URL else
          {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("SERVPLAN_S3_BUCKET"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["SERVPLAN_S3_BUCKET"],
        "endpoint_url": os.environ.get("SERVPLAN_S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("SERVPLAN_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("SERVPLAN_S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("SERVPLAN_S3_REGION") or None,
        "location": os.environ.get("SERVPLAN_S3_PREFIX", ""),
        "file_overwrite": False,  # two uploads of one name keep both, as on the local disk
        "default_acl": None, "querystring_auth": True, "querystring_expire": 3600,
    }}

# HTTPS hardening, on when served behind TLS (SERVPLAN_HTTPS=true).
SERVPLAN_HTTPS = env_bool("SERVPLAN_HTTPS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if SERVPLAN_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SERVPLAN_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probed over plain HTTP by the proxy and Prometheus
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SERVPLAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Sent on every response; strict enough that inline scripts are refused.
SERVPLAN_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)

EMAIL_BACKEND = os.environ.get("SERVPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SERVPLAN_FROM_EMAIL", "servplan@localhost")
# Notifications (notifications/, docs/operations.md "Reminders"): the address users reach ServPlan at (links in
# e-mails and calendars), when the reminder and digest jobs are enqueued (crontab, company time zone), how many
# days ahead an item is "due soon", how many days overdue it is escalated to the department head, and the local
# hour of the daily digest.
SERVPLAN_SITE_URL = os.environ.get("SERVPLAN_SITE_URL", "http://127.0.0.1:8000")
SERVPLAN_REMINDER_CRON = os.environ.get("SERVPLAN_REMINDER_CRON", "*/15 * * * *")
SERVPLAN_DIGEST_CRON = os.environ.get("SERVPLAN_DIGEST_CRON", "0 * * * *")
SERVPLAN_REMINDER_DAYS = int(os.environ.get("SERVPLAN_REMINDER_DAYS", "3"))
SERVPLAN_ESCALATION_DAYS = int(os.environ.get("SERVPLAN_ESCALATION_DAYS", "3"))
SERVPLAN_DIGEST_HOUR = int(os.environ.get("SERVPLAN_DIGEST_HOUR", "8"))

# Pull connectors (servicedata/connectors, docs/operations.md "Connectors"): when the tick looks for due connectors
# (crontab, company time zone), HTTP timeout (seconds), page size and the most pages one sync reads, the overlap of
# the next window, the backoff after a failure (doubled per failure, capped) and the failures in a row that stop it.
SERVPLAN_CONNECTOR_CRON = os.environ.get("SERVPLAN_CONNECTOR_CRON", "*/5 * * * *")
SERVPLAN_CONNECTOR_TIMEOUT = int(os.environ.get("SERVPLAN_CONNECTOR_TIMEOUT", "30"))
SERVPLAN_CONNECTOR_PAGE_SIZE = int(os.environ.get("SERVPLAN_CONNECTOR_PAGE_SIZE", "100"))
SERVPLAN_CONNECTOR_MAX_PAGES = int(os.environ.get("SERVPLAN_CONNECTOR_MAX_PAGES", "50"))
SERVPLAN_CONNECTOR_OVERLAP_MINUTES = int(os.environ.get("SERVPLAN_CONNECTOR_OVERLAP_MINUTES", "10"))
SERVPLAN_CONNECTOR_BACKOFF_MINUTES = int(os.environ.get("SERVPLAN_CONNECTOR_BACKOFF_MINUTES", "5"))
SERVPLAN_CONNECTOR_BACKOFF_MAX_MINUTES = int(os.environ.get("SERVPLAN_CONNECTOR_BACKOFF_MAX_MINUTES", "360"))
SERVPLAN_CONNECTOR_MAX_FAILURES = int(os.environ.get("SERVPLAN_CONNECTOR_MAX_FAILURES", "8"))

# The company's own terms of the procedure (docs/operations.md, "Terms of the procedure").
SERVPLAN_MAJOR_PROCUREMENT_AMOUNT = os.environ.get("SERVPLAN_MAJOR_PROCUREMENT_AMOUNT", "200000")  # CNY
SERVPLAN_TENDER_MIN_BIDS = int(os.environ.get("SERVPLAN_TENDER_MIN_BIDS", "3"))
SERVPLAN_TENDER_MIN_EVALUATORS = int(os.environ.get("SERVPLAN_TENDER_MIN_EVALUATORS", "2"))
SERVPLAN_SUPPLIER_EVALUATION_MONTHS = int(os.environ.get("SERVPLAN_SUPPLIER_EVALUATION_MONTHS", "12"))
SERVPLAN_QUALIFIED_LIST_MONTHS = int(os.environ.get("SERVPLAN_QUALIFIED_LIST_MONTHS", "12"))
SERVPLAN_SUPPLIER_EXPIRY_WARNING_DAYS = int(os.environ.get("SERVPLAN_SUPPLIER_EXPIRY_WARNING_DAYS", "30"))
SERVPLAN_SUPPLIER_PASS_MARK = os.environ.get("SERVPLAN_SUPPLIER_PASS_MARK", "70")  # points of 100
SERVPLAN_MANAGEMENT_REVIEW_MONTHS = int(os.environ.get("SERVPLAN_MANAGEMENT_REVIEW_MONTHS", "12"))
SERVPLAN_PROBLEM_CANDIDATE_MIN_TICKETS = int(os.environ.get("SERVPLAN_PROBLEM_CANDIDATE_MIN_TICKETS", "3"))
SERVPLAN_PROBLEM_CANDIDATE_MIN_BREACHES = int(os.environ.get("SERVPLAN_PROBLEM_CANDIDATE_MIN_BREACHES", "2"))

# A refused request (4xx) is logged in one line (method, path, user, status, request id), never with a traceback.
# SERVPLAN_LOG_FORMAT=json writes each line as one JSON object (core.logs.JsonFormatter; docs/operations.md "Logs").
SERVPLAN_LOG_FORMAT = os.environ.get("SERVPLAN_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refused_request": {"()": "core.logs.RefusedRequestLogFilter"}},
    "formatters": {"text": {"format": "%(message)s"}, "json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refused_request"],
                             "formatter": "json" if SERVPLAN_LOG_FORMAT == "json" else "text"}},
    "loggers": {"django.request": {"filters": ["refused_request"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("SERVPLAN_LOG_LEVEL", "WARNING")},
}

# /metrics (core.ops.metrics, docs/operations.md "Metrics"): open to the networks listed (a direct peer, not through
# the proxy) and to a request with `Authorization: Bearer <SERVPLAN_METRICS_TOKEN>`; anyone else gets a 404.
SERVPLAN_METRICS_ALLOWED_NETWORKS = os.environ.get("SERVPLAN_METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
SERVPLAN_METRICS_TOKEN = os.environ.get("SERVPLAN_METRICS_TOKEN", "")

# Exports: the company name in document headers, and an optional folder of Word letterhead templates.
SERVPLAN_COMPANY_NAME = os.environ.get("SERVPLAN_COMPANY_NAME", "示例信息技术有限公司")
# Printed as Party B's address on contracts.
SERVPLAN_COMPANY_ADDRESS = os.environ.get("SERVPLAN_COMPANY_ADDRESS", "浙江省杭州市西湖区文三路 90 号")
SERVPLAN_DOCX_TEMPLATE_DIR = os.environ.get("SERVPLAN_DOCX_TEMPLATE_DIR", "")

# ---- Exports and background jobs (core.jobs, core.list_export; issue 16) ----
# A list export of more rows than this runs as a background job (progress, a download link that expires).
SERVPLAN_EXPORT_SYNC_ROWS = int(os.environ.get("SERVPLAN_EXPORT_SYNC_ROWS", "20000"))
SERVPLAN_JOB_RESULT_HOURS = float(os.environ.get("SERVPLAN_JOB_RESULT_HOURS", "24"))
SERVPLAN_JOB_KEEP_DAYS = float(os.environ.get("SERVPLAN_JOB_KEEP_DAYS", "30"))
SERVPLAN_JOB_CLEANUP_CRON = os.environ.get("SERVPLAN_JOB_CLEANUP_CRON", "23 * * * *")
# The process-compliance checks over the whole database (assurance.checks): nightly, after the day's work.
SERVPLAN_COMPLIANCE_CRON = os.environ.get("SERVPLAN_COMPLIANCE_CRON", "30 2 * * *")
