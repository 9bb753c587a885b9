"""Settings, all from the environment (django-environ), safe defaults for embedded mode."""
import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# Embedded mode (make run / make test on a laptop): local HTTP, embedded services unless URLs are given.
EMBEDDED = env.bool("KASN_EMBEDDED", default=not (env.str("DATABASE_URL", default="") and env.str("REDIS_URL", default="")))
if EMBEDDED:
    from kasn_cases import embedded

    _services = embedded.service_env()
else:
    _services = {}

# Off unless asked (`DEBUG=true` for development and the test suite): `make run` serves the same error pages,
# static files (WhiteNoise) and settings as production, only over plain HTTP on this machine.
DEBUG = env.bool("DEBUG", default=False)
# A local run, `make run` (KASN_EMBEDDED) or a DEBUG server: plain HTTP, so no HTTPS redirect, secure-only
# cookies or HSTS, and letters signed by the test authority under var/. Anything else is production behind TLS.
LOCAL_DEMO = DEBUG or EMBEDDED
SECRET_KEY = env.str("SECRET_KEY", default="embedded-only-insecure-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "cases",
    "reports",
    "reports.screening",
    "reports.privacy",
    "reports.registers",
]

MIDDLEWARE = [
    "cases.middleware.ServerTimingMiddleware",
    "cases.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cases.middleware.NoStoreByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cases.middleware.SiteLocaleMiddleware",
    "cases.middleware.NulInQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cases.twofactor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kasn_cases.urls"
WSGI_APPLICATION = "kasn_cases.wsgi.application"

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
                "cases.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=_services.get("DATABASE_URL", ""))}
DATABASES["default"]["ENGINE"] = "kasn_cases.db"  # django.db.backends.postgresql with a cheaper health check
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool("DB_SERVER_SIDE_BINDING", default=True)
# A statement run this many times on one connection is prepared on the server (psycopg's default threshold; Django
# turns preparing off unless asked): PostgreSQL then skips parsing and planning it. The intake's one INSERT went from
# 527-554 to 601-611 req/s (bench/bench_intake.py, alternating runs). "off" behind a pooler that cannot keep prepared
# statements (PgBouncer before 1.21 in transaction mode).


def prepare_threshold(raw: str) -> int | None:
    """DB_PREPARE_THRESHOLD: a whole number from 0 (prepare at once), or off/none/empty (never prepare)."""
    value = raw.strip().lower()
    if value in ("", "off", "none"):
        return None
    if not value.isdigit():
        raise ImproperlyConfigured(f"DB_PREPARE_THRESHOLD={raw!r} tidak sah: isi dengan bilangan bulat 0 atau lebih "
                                   f"(berapa kali sebuah kueri dijalankan sebelum disiapkan), atau \"off\".")
    return int(value)


DATABASES["default"]["OPTIONS"]["prepare_threshold"] = prepare_threshold(env.str("DB_PREPARE_THRESHOLD", default="5"))
if EMBEDDED:
    # Several local test runs may share the embedded server: one test database each.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default=_services.get("REDIS_URL", ""))


def _kombu_url(url: str) -> str:
    """Kombu spells a Redis Unix socket as redis+socket://."""
    return "redis+socket://" + url[len("unix://"):] if url.startswith("unix://") else url


CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",  # one client per connection pool, not one per operation
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_PREFIX", default="kasn"),
    }
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_kombu_url(REDIS_URL))
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_kombu_url(REDIS_URL))
# One Redis may serve several deployments (or the test suite's xdist workers, tests/xdist_names.py): a queue each.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_IMPORTS = ("cases.tasks_stats",)  # task modules outside the autodiscovered tasks.py
CELERY_BEAT_SCHEDULE = {
    "deadline-sweep": {"task": "cases.tasks.sweep_deadlines_task", "schedule": 15 * 60},
    "outbox-flush": {"task": "cases.tasks.flush_outbox_task", "schedule": 60},
    "receipts-issue": {"task": "reports.letters.receipts_issue_due_task", "schedule": 60},  # receipt outbox
    "weekly-summary": {"task": "cases.tasks_stats.weekly_summary_task", "schedule": crontab(day_of_week=1, hour=6, minute=0)},
    "stats-refresh": {"task": "cases.tasks_stats.refresh_stats_task", "schedule": 15 * 60},
    "incomplete-reports-lapse": {"task": "reports.tasks.lapse_incomplete_reports_task", "schedule": 60 * 60},
    "report-clocks-sweep": {"task": "reports.tasks.sweep_report_clocks_task", "schedule": 15 * 60},
    "abandoned-uploads-purge": {"task": "reports.tasks.purge_abandoned_uploads_task", "schedule": 6 * 60 * 60},
    "retention-apply": {"task": "reports.privacy.tasks.retention_apply_task", "schedule": crontab(hour=2, minute=30)},
    "privacy-requests-sweep": {"task": "reports.privacy.tasks.sweep_overdue_requests_task", "schedule": 15 * 60},
}

AUTH_USER_MODEL = "cases.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "cases.auth_backend.PageUserBackend",  # ModelBackend reading the page user in one query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-step sign-in (django-otp, TOTP + one-time recovery codes; cases/twofactor.py). Required for the roles that
# sign, block or administer; optional for the others (an officer who enrolled is always asked).
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[
    "supervisor_approver", "bkn_officer", "kemenpanrb_officer", "kemendagri_officer", "administrator"])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Netralitas ASN")
OTP_RECOVERY_CODES = 10
OTP_PENDING_SECONDS = 10 * 60  # between the password and the second step

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# Axes' log lines name the client by username and page only, never its IP address or browser (kasn_cases/privacy.py).
AXES_CLIENT_STR_CALLABLE = "kasn_cases.privacy.axes_client_str"

# Sessions are read on every request: from Redis (the cache), written through to the database so a Redis
# restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not LOCAL_DEMO)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not LOCAL_DEMO)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not LOCAL_DEMO)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if LOCAL_DEMO else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL_DEMO
SECURE_HSTS_PRELOAD = not LOCAL_DEMO
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the project's own files only, no inline script or style, no plugin, no
# framing. Page behaviour lives in static/js/ (site.js: print buttons, auto-submitting selects); data: images for
# Swagger UI's icons.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [SELF], "script-src": [SELF], "style-src": [SELF], "img-src": [SELF, "data:"],
    "font-src": [SELF], "connect-src": [SELF], "object-src": [NONE], "base-uri": [SELF], "form-action": [SELF],
    "frame-ancestors": [NONE],
}}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}  # the offline forms' web app manifest
os.makedirs(STATIC_ROOT, exist_ok=True)  # WhiteNoise warns at start-up when it is missing
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Evidence and letters are never served from a public URL: only authorised views read them.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT)}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="netralitas@localhost")

REPORT_SUBMIT_RATE = env.str("REPORT_SUBMIT_RATE", default="20/h")
TRACKING_RATE = env.str("TRACKING_RATE", default="30/h")
TRACKING_MAX_PIN_FAILURES = env.int("TRACKING_MAX_PIN_FAILURES", default=5)
TRACKING_LOCKOUT_MINUTES = env.int("TRACKING_LOCKOUT_MINUTES", default=30)
SCREENING_CHUNK_PAUSE_SECONDS = env.float("SCREENING_CHUNK_PAUSE_SECONDS", default=0.0)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=25 * 1024 * 1024)
# An evidence file past EVIDENCE_MAX_BYTES stops being kept as it streams in (reports.uploads), instead of being
# written in full and refused after.
FILE_UPLOAD_HANDLERS = ["reports.uploads.EvidenceSizeLimitHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
DUE_SOON_WORKING_DAYS = env.int("DUE_SOON_WORKING_DAYS", default=2)
QUEUE_EXACT_COUNT_LIMIT = env.int("QUEUE_EXACT_COUNT_LIMIT", default=10000)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cases.api.auth.ApiTokenAuthentication",  # first: its header makes a missing credential a 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cases.api.negotiation.ContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["cases.api.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_THROTTLE_CLASSES": ["cases.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": env.str("API_CLIENT_RATE", default="1200/min")},
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Netralitas ASN API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DESCRIPTION": (
        "API untuk Bawaslu dan sistem mitra. Autentikasi: header `Authorization: Token <kunci>` (kunci per klien, "
        "diterbitkan administrator) atau sesi peramban. Setiap POST yang membuat data menerima `Idempotency-Key`. "
        "Kesalahan selalu berbentuk `{\"code\", \"message\", \"fields\"}`, dalam bahasa Indonesia atau Inggris "
        "(`Accept-Language: en`)."),
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": STATIC_URL + "vendor/swagger-ui",  # vendored from swagger-ui-dist (npm), no CDN
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "vendor/swagger-ui/favicon-32x32.png",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "cases.api.schema.add_common_errors"],
    "ENUM_NAME_OVERRIDES": {"CaseStatusEnum": "cases.models.case.CaseStatus",
                            "TrackStatusEnum": "cases.models.case.TrackStatus",
                            "ReportStatusEnum": "reports.models.ReportStatus"},
}
# Deepest nesting of lists/objects a JSON body may have (cases/api/parsers.py); deeper is a 400 naming the limit.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=16)
LOCALE_PATHS += [BASE_DIR / "cases" / "api" / "locale"]  # English for the API's own messages

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Certified electronic signature of issued letters (cases/letters/signing.py; docs/operations.md "Letter signing").
# Production: one PKCS#12 per agency, <LETTER_SIGNING_DIR>/<AGENCY CODE>.p12, from its certification authority
# (BSrE for government), the CA's root(s) and revocation lists for the /verify/ page, and the test CA off.
LETTER_SIGNING_DIR = Path(env.str("LETTER_SIGNING_DIR", default=str(BASE_DIR / "var" / "pki")))  # pathlib: the PKI code joins with /
LETTER_SIGNING_PASSPHRASE = env.str("LETTER_SIGNING_PASSPHRASE", default="")
LETTER_SIGNING_TEST_CA = env.bool("LETTER_SIGNING_TEST_CA", default=LOCAL_DEMO)  # issue missing certificates from var/pki's TEST CA
LETTER_SIGNING_TRUST_ROOTS = env.list("LETTER_SIGNING_TRUST_ROOTS", default=[])  # PEM/DER; empty: the test CA
LETTER_SIGNING_CRLS = env.list("LETTER_SIGNING_CRLS", default=[])  # DER CRLs; empty: the test CA's
