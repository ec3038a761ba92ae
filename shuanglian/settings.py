"""Settings for Shuanglian, every knob read from the environment.

Local defaults work out of the box (SQLite file, no broker: Celery tasks run in-process) once
DJANGO_DEBUG=1 is set, as scripts/demo.sh does. Production leaves DJANGO_DEBUG unset (or 0) and
sets DATABASE_URL, CELERY_BROKER_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; see .env.example.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: a deployment that forgets the variable must not show tracebacks or run
# on the public development key below. scripts/demo.sh and the tests turn it on.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A production deployment without its own key must fail at start, not run insecurely.
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
                                   "(DJANGO_DEBUG=1 for local development, as scripts/demo.sh does).")
    SECRET_KEY = "local-development-only-not-secret"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "axes",
    "csp",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shuanglian",
    "django_celery_beat",
    "households",
    "pairing",
    "visits",
    "identification",
    "planning",
    "assessments",
    "reports",
    "discipline",  # complaints, inspections, accountability (docs/domain.md §13)
    "publicity",
    "papers",
    "seeding",  # demo and province-scale data: at the top, it may use every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shuanglian.middleware.PermissionsPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # the audit trail knows who
    "shuanglian.middleware.AccessLogMiddleware",  # exports, and pages shown with full ID numbers
    "shuanglian.params.QueryStringGuard",  # query values no page can use are a 400
    "shuanglian.throttle.SignInAddressLimit",  # failed sign-ins per address, whatever the name
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out sign-in
]

# Repeated failed sign-ins lock the account name from that address for a while (django-axes);
# the admin lists and clears lockouts (管理后台 → Axes).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Axes counts per account name and address; one password tried across many account names is
# counted per address alone (shuanglian/throttle.py), with a higher limit: offices share addresses.
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "30"))
SIGN_IN_ADDRESS_FAILURE_SECONDS = 60 * int(os.environ.get("SIGN_IN_ADDRESS_LOCKOUT_MINUTES", "15"))
# Ballot codes typed or opened at /e/: wrong ones per address before it waits.
BALLOT_CODE_FAILURE_LIMIT = int(os.environ.get("BALLOT_CODE_FAILURE_LIMIT", "30"))
BALLOT_CODE_FAILURE_SECONDS = 60 * int(os.environ.get("BALLOT_CODE_LOCKOUT_MINUTES", "10"))
# The public complaint page (/jubao/): complaints filed and receipt codes looked up per address.
COMPLAINT_FILING_LIMIT = int(os.environ.get("COMPLAINT_FILING_LIMIT", "10"))
COMPLAINT_FILING_SECONDS = 60 * int(os.environ.get("COMPLAINT_FILING_WINDOW_MINUTES", "60"))
COMPLAINT_LOOKUP_LIMIT = int(os.environ.get("COMPLAINT_LOOKUP_LIMIT", "30"))
COMPLAINT_LOOKUP_SECONDS = 60 * int(os.environ.get("COMPLAINT_LOOKUP_WINDOW_MINUTES", "10"))

# Content Security Policy: scripts and styles only from our own static files (charts and the
# API docs included); no inline script anywhere, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # ECharts and the admin set style attributes
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The audit trail (django-simple-history) is read-only: no revert from the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only the visit form asks for the phone's location, and only when the cadre taps for it.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

ROOT_URLCONF = "shuanglian.urls"

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
                "django.template.context_processors.i18n",
                "shuanglian.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "shuanglian.wsgi.application"

# An index's included columns (INCLUDE, households' area-and-number indexes) are PostgreSQL's;
# SQLite builds the index without them, which is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an import writes; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # IMMEDIATE: a write transaction takes the write lock when it begins, so parallel writers
        # (twenty ballots at once) queue on the timeout instead of failing "database is locked"
        # when a reader upgrades to a writer mid-transaction (Django 5.1+).
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
         "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif "postgresql" in DATABASES["default"]["ENGINE"] or "postgis" in DATABASES["default"]["ENGINE"]:
    # No JIT compilation. The compliance engine's and the figures' statements are built of CTEs
    # whose sizes the planner cannot estimate, so it judges them worth compiling, and compiling
    # takes longer than it saves: a province's compliance 5.2–5.8 s with it, 3.7–4.4 s without
    # (BENCHMARKS.md). And generic plans for the statements prepared once per connection
    # (shuanglian/prepared.py: the hot path of a logged trip): planned once, their years'
    # partitions chosen when they run, instead of planned again for each trip's dates. Added to
    # the options DATABASE_URL gives (or PGOPTIONS, which libpq no longer reads once options are
    # set), each unless they say otherwise about it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _given = _options.get("options") or os.environ.get("PGOPTIONS", "")
    _ours = " ".join(f"-c {name}={value}" for name, value in (("jit", "off"), ("plan_cache_mode", "force_generic_plan"))
                     if name not in _given)
    if _ours:
        _options["options"] = f"{_given} {_ours}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# What browsers ask for at the site's root (/favicon.ico), served by WhiteNoise from public/.
WHITENOISE_ROOT = BASE_DIR / "public"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# One sign-in page for every role (shuanglian/views.py); `/` then sends each role to its home.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Roster workbooks are uploaded through the admin; larger files are refused before parsing.
ROSTER_UPLOAD_MAX_BYTES = int(os.environ.get("ROSTER_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# What one workbook may hold, checked before it is parsed (shuanglian/roster/reader.py): the
# shared-string table is read whole into memory and every parsed row is held until the import
# is applied. Cells default to 16 a row (the widest sheet has 9 columns).
ROSTER_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("ROSTER_MAX_SHARED_STRINGS_BYTES", str(64 * 1024 * 1024)))
ROSTER_MAX_SHEET_BYTES = int(os.environ.get("ROSTER_MAX_SHEET_BYTES", str(256 * 1024 * 1024)))
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", "300000"))
ROSTER_MAX_CELLS = int(os.environ.get("ROSTER_MAX_CELLS", str(ROSTER_MAX_ROWS * 16)))
# A sheet is read as the rectangle from its first cell to its last, blank cells included (32
# bytes each): a stray cell far away would make it gigabytes, so the rectangle is bounded too.
ROSTER_MAX_AREA_CELLS = int(os.environ.get("ROSTER_MAX_AREA_CELLS", str(ROSTER_MAX_ROWS * 32)))
# Uploaded workbooks wait here for their import job, outside MEDIA_ROOT (never served), and are
# deleted once the job has run.
ROSTER_UPLOADS_ROOT = Path(os.environ.get("ROSTER_UPLOADS_ROOT", BASE_DIR / "var" / "roster_uploads"))
# Visit photos larger than this are refused from their header, before they are decoded.
# Photos of typical cases: outside MEDIA_ROOT, handed out by the scoped page and, once a case is
# published, by the public page (publicity/views.py).
PUBLICITY_PHOTOS_ROOT = Path(os.environ.get("PUBLICITY_PHOTOS_ROOT", BASE_DIR / "var" / "publicity"))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery: with a broker, tasks go to the workers; without one they run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Reports: files live outside the static and media roots and are served only by the scoped
# download view; a report stuck running or pending that long is queued again.
REPORTS_ROOT = Path(os.environ.get("DJANGO_REPORTS_ROOT", BASE_DIR / "var" / "reports"))
# Complaint photos and rectification evidence: outside MEDIA_ROOT, handed out by a scoped view only.
DISCIPLINE_ROOT = Path(os.environ.get("DJANGO_DISCIPLINE_ROOT", BASE_DIR / "var" / "discipline"))
REPORTS_QUEUE = os.environ.get("REPORTS_QUEUE", "")
REPORTS_STALE_RUNNING_MINUTES = int(os.environ.get("REPORTS_STALE_RUNNING_MINUTES", "30"))
REPORTS_STALE_PENDING_MINUTES = int(os.environ.get("REPORTS_STALE_PENDING_MINUTES", "360"))
LEDGER_WEB_MAX_HOUSEHOLDS = int(os.environ.get("LEDGER_WEB_MAX_HOUSEHOLDS", "50000"))

# Mail (the weekly pace reminders to unit administrators, password reset links): printed to the
# console unless a server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shuanglian@localhost")

# A cache shared by the web workers (dashboards): CACHE_URL, else the Redis broker, else memory.
CACHE_URL = os.environ.get("CACHE_URL") or (CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "shuanglian"}
    if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "600"))
# A write's province, city and county dashboards are recomputed by a worker this long after it (0: never).
DASHBOARD_REFRESH_SECONDS = int(os.environ.get("DASHBOARD_REFRESH_SECONDS", "60"))
# A dashboard's and a report's independent reads run on this many PostgreSQL connections at once,
# all reading one snapshot (shuanglian.parallel); 1 runs them one after another.
FIGURES_CONNECTIONS = int(os.environ.get("FIGURES_CONNECTIONS", "2"))

# The REST API (/api/v1/): signed-in sessions for the pages, tokens for other systems; every
# list is scoped by shuanglian.scoping like the pages, and bad input is a 4xx with a message.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "shuanglian.api_params.KnownParameters",
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "shuanglian.api_params.Pages",
    # JSON nested past a few levels is malformed input (a 400), not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "shuanglian.json_parser.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shuanglian.api_params.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "双联工作管理系统 API",
    "DESCRIPTION": "联村联户、为民富民：区划、单位、干部、农户、结对、走访、诉求、实事、走访达标与双向评议。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "shuanglian.api_params.document_errors"],
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CadreCategoryEnum": "pairing.models.Category",
        "DemandCategoryEnum": "visits.models.Demand.Category",
        "DeedCategoryEnum": "visits.models.Deed.Category",
        "DemandStatusEnum": "visits.models.Demand.Status",
        "HouseholdStatusEnum": "households.models.Household.Status",
        "HouseholdKindEnum": "households.models.Household.Kind",
        "UnitKindEnum": "pairing.models.Unit.Kind",
        "UnitLevelEnum": "pairing.models.Unit.Level",
        "AreaLevelEnum": "households.models.AreaLevel",
        "ProjectKindEnum": "papers.models.Project.Kind",
        "ProjectStatusEnum": "papers.models.Project.Status",
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Who may see full ID numbers is a role attribute; this text is what masked digits become.
ID_MASK_CHAR = "*"

# Roles are records of the pairing app; it turns a signed-in user into a scope
# (shuanglian/scoping.py), so the core never imports the apps above it.
SHUANGLIAN_SCOPE_RESOLVER = "pairing.access.resolve_scope"

# The complaint telephone printed on public notices (公示) and announcements (公告) as the channel
# for objections, beside the township's office; 12317 is the national poverty alleviation hotline.
POVERTY_COMPLAINT_PHONE = os.environ.get("SHUANGLIAN_COMPLAINT_PHONE", "12317")
# The phone app (docs/architecture.md, "The phone offline"). The release name is part of the
# service worker's version (with a digest of the static files it keeps): a new release replaces
# the phone's cached pages and files, never its outbox. A cadre stays signed in on their own
# phone for SIGN_IN_DAYS from signing in (unless they untick 在此手机上保持登录: until the
# browser closes); 在所有设备上退出 ends every session of the account at once.
SHUANGLIAN_RELEASE = os.environ.get("SHUANGLIAN_RELEASE", "")
SESSION_COOKIE_AGE = 60 * 60 * 24 * int(os.environ.get("SIGN_IN_DAYS", "30"))
