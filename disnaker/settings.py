"""Settings for Portal Disnaker, read from the environment (see README, "Configuration").

Without any variables the portal runs on the embedded default: SQLite, local-memory cache,
Celery tasks run eagerly, e-mail printed to the console. ``DATABASE_URL`` and ``REDIS_URL``
switch to PostgreSQL and Redis. Production (``DJANGO_DEBUG`` unset) insists on a secret key
and allowed hosts.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in production (DJANGO_DEBUG is off). "
            f"Set {name} in the environment or in .env; see README, 'Configuration'."
        )
    return value


if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-only-for-debug")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = _required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "disnaker.apps.DisnakerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "disnaker.apps.DisnakerConfig",
    "training",
    "lpk_registry",
    "placement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "disnaker.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "disnaker.middleware.DefaultLanguageMiddleware",
    # Text PostgreSQL cannot store (NUL, broken UTF-8) gets a 400 before any view or session lookup sees it.
    "disnaker.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff: logged out when idle, then (if they can reveal personal data) asked for their TOTP code.
    "disnaker.middleware.StaffIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "disnaker.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so that it sees every failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "disnaker.urls"
WSGI_APPLICATION = "disnaker.wsgi.application"

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
                "disnaker.context_processors.office",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The portal's queries are short; PostgreSQL's JIT compiler spends longer compiling the admin's
    # and the summaries' correlated subqueries than running them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: the portal runs uncached (disnaker/cache.py), after at most this wait.
            "BACKEND": "disnaker.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="disnaker"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=2.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
# Without a broker every task runs in-process, so the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Jakarta"
# Below the visibility timeout: a task acknowledged late must finish before the broker hands it on.
CELERY_TASK_TIME_LIMIT = 3 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 150
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task a worker took but never acknowledged (the worker died) goes back to the queue after this
# many seconds; it must be longer than the time limit of every task acknowledged late (a summary
# build with its PDF: 3 minutes) and short enough that a crash is recovered in minutes. Workers
# sweep for such tasks every CELERY_RESTORE_INTERVAL seconds: a killed build runs again within
# 4.5 minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 60),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=30),
    # A broker that is down answers "unreachable" at once instead of holding the request.
    "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=0.5)  # results
# A summary build queued or running this many seconds without moving on is stuck (its worker died,
# or its task never reached the broker): the beat task disnaker.summaries_recover queues it again
# within a minute and the admin shows it as stuck. Longer than a build's time limit (3 minutes), so
# a live build is never taken for stuck; with the minute of the beat, well inside five minutes.
SUMMARY_STUCK_AFTER = env.int("SUMMARY_STUCK_AFTER", default=200)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The defaults of the periodic jobs, in CELERY_TIMEZONE (Asia/Jakarta). The DatabaseScheduler copies
# them into the database on start, where staff can change or pause them in the admin.
from celery.schedules import crontab  # noqa: E402

# Tasks recorded in the outbox while the broker was down are sent this many seconds after it returns.
OUTBOX_RELAY_SECONDS = env.float("OUTBOX_RELAY_SECONDS", default=30)
# A message sent but not run after this many minutes is sent again (a Redis restarted without its
# queue); longer than the longest task (CELERY_TASK_TIME_LIMIT), since a copy waits for a running one.
OUTBOX_RESEND_MINUTES = env.int("OUTBOX_RESEND_MINUTES", default=35)
# Messages done are kept this many days (to look into in the admin), then removed by a daily beat.
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)

CELERY_BEAT_SCHEDULE = {
    "disnaker.outbox_relay": {"task": "disnaker.outbox_relay", "schedule": OUTBOX_RELAY_SECONDS},
    # Seats not confirmed by yesterday go to the next reserve before anyone looks today.
    "training.unconfirmed_expire": {"task": "training.unconfirmed_expire", "schedule": crontab(hour=0, minute=30)},
    # Alumni tracer requests at +3/+6/+12 months, e-mailed in office hours.
    "training.tracer_open_due": {"task": "training.tracer_open_due", "schedule": crontab(hour=7, minute=0)},
    # LPK licence/accreditation expiry and report due/overdue reminders, before the office opens.
    "lpk_registry.send_reminders": {"task": "lpk_registry.send_reminders", "schedule": crontab(hour=6, minute=0)},
    # AK/1 cards past their two years expire; holders are reminded a week before each re-report.
    "placement.cards_expire": {"task": "placement.cards_expire", "schedule": crontab(hour=0, minute=45)},
    "placement.card_rereport_reminders": {
        "task": "placement.card_rereport_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    # Periodic summaries (Asia/Jakarta): the month on the 1st at 01:00, then the quarter and the year;
    # each run builds the period that just ended and the one under way. The current month is also
    # refreshed every morning so the dashboard is never more than a day old.
    "disnaker.summaries_monthly": {
        "task": "disnaker.summaries_monthly",
        "schedule": crontab(day_of_month=1, hour=1, minute=0),
    },
    "disnaker.summaries_quarterly": {
        "task": "disnaker.summaries_quarterly",
        "schedule": crontab(month_of_year="1,4,7,10", day_of_month=1, hour=1, minute=30),
    },
    "disnaker.summaries_yearly": {
        "task": "disnaker.summaries_yearly",
        "schedule": crontab(month_of_year=1, day_of_month=1, hour=2, minute=0),
    },
    "disnaker.summaries_current": {"task": "disnaker.summaries_current", "schedule": crontab(hour=5, minute=0)},
    # Every minute: builds stuck in queued/running are queued again, built summaries get their PDF.
    "disnaker.summaries_recover": {"task": "disnaker.summaries_recover", "schedule": 60.0},
    # Uploaded spreadsheets never confirmed hold NIKs: remove them after a day.
    "lpk_registry.uploads_discard_stale": {
        "task": "lpk_registry.uploads_discard_stale",
        "schedule": crontab(hour=2, minute=15),
    },
    "placement.uploads_discard_stale": {
        "task": "placement.uploads_discard_stale",
        "schedule": crontab(hour=2, minute=20),
    },
    # Read-audit rows past READ_AUDIT_RETENTION_DAYS are removed once a day.
    "disnaker.read_audit_purge": {"task": "disnaker.read_audit_purge", "schedule": crontab(hour=3, minute=0)},
    # Claimed form keys older than any key still accepted are removed once a day.
    "disnaker.outbox_purge": {"task": "disnaker.outbox_purge", "schedule": crontab(hour=3, minute=20)},
    "disnaker.submission_keys_purge": {
        "task": "disnaker.submission_keys_purge",
        "schedule": crontab(hour=3, minute=10),
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_home"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "disnaker/lockout.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# Behind the proxies the client is what they forwarded (disnaker/ratelimit.py, the rate limits' count).
AXES_CLIENT_IP_CALLABLE = "disnaker.ratelimit.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "disnaker.ratelimit.login_username"
AXES_VERBOSE = False

# --- Rate limits (django-ratelimit, see disnaker/ratelimit.py) ------------------------------
# POSTs of the public forms that create rows, counted in the default cache: "N/h" (or /m, /d).
# Job-seeker sign-ups per client address; training registrations per account and per address.
RATELIMIT_SIGNUP = env.str("RATELIMIT_SIGNUP", default="10/h")
# Confirmation links sent again, per address: every one may send an e-mail.
RATELIMIT_SIGNUP_RESEND = env.str("RATELIMIT_SIGNUP_RESEND", default="5/h")
# Claim codes asked for and tried, per account and per address.
RATELIMIT_CLAIM_CODE = env.str("RATELIMIT_CLAIM_CODE", default="10/h")
# The one-time code that proves a record's e-mail: minutes it stays valid, wrong tries it survives.
CLAIM_CODE_MINUTES = env.int("CLAIM_CODE_MINUTES", default=15)
CLAIM_CODE_ATTEMPTS = env.int("CLAIM_CODE_ATTEMPTS", default=5)
RATELIMIT_REGISTRATION = env.str("RATELIMIT_REGISTRATION", default="20/h")
# Company registrations per address (each makes a company and a logged-in account).
RATELIMIT_COMPANY_SIGNUP = env.str("RATELIMIT_COMPANY_SIGNUP", default="5/h")
# The portals' login forms per address: generous, as a school or office shares one address; the
# lockout (Axes) already stops guessing one account's password.
RATELIMIT_LOGIN = env.str("RATELIMIT_LOGIN", default="60/h")
# Password-reset requests per address: every one may send an e-mail.
RATELIMIT_PASSWORD_RESET = env.str("RATELIMIT_PASSWORD_RESET", default="5/h")
# New passwords set through an invitation or reset link, per address.
RATELIMIT_SET_PASSWORD = env.str("RATELIMIT_SET_PASSWORD", default="10/h")
# HR invitations per HR user and per address: every one sends an e-mail.
RATELIMIT_INVITATION = env.str("RATELIMIT_INVITATION", default="20/h")
# AK/1 applications and corrections per account and per address: each one carries files.
RATELIMIT_AK1 = env.str("RATELIMIT_AK1", default="10/h")
# The client's address behind AXES_PROXY_COUNT proxies, the same count as the login lockout.
RATELIMIT_IP_META_KEY = "disnaker.ratelimit.client_ip"
# A counter that expires between its read and its increment lets that one request through, and
# while Redis is unreachable every request passes (disnaker/cache.py logs a warning).
RATELIMIT_FAIL_OPEN = True
INSTALLED_APPS += ["django_ratelimit"]  # for its system checks of the cache
SILENCED_SYSTEM_CHECKS = [
    # "Not officially supported": the check lists only memcached and django-redis, but Django's own
    # RedisCache counts with Redis INCR (atomic, shared) and local memory atomically within its process.
    "django_ratelimit.W001",
    # Local memory is not shared between processes: it is the embedded default of one process
    # (make run, the tests); production has REDIS_URL (docker-compose.yml sets it).
    *([] if REDIS_URL else ["django_ratelimit.E003"]),
]

# --- Read audit (disnaker/readaudit.py) ------------------------------------------------------
# How long the record of who looked at personal data is kept (default five years).
READ_AUDIT_RETENTION_DAYS = env.int("READ_AUDIT_RETENTION_DAYS", default=1826)

# --- Forms (disnaker/idempotency.py) ---------------------------------------------------------
# A form's one-time key is accepted this many days after the page was opened.
SUBMISSION_KEY_MAX_AGE_DAYS = env.int("SUBMISSION_KEY_MAX_AGE_DAYS", default=7)
# A vacancy opens within a year of the day it is reported and stays open at most this many months.
VACANCY_MAX_OPEN_MONTHS = env.int("VACANCY_MAX_OPEN_MONTHS", default=6)

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents (KTP, diplomas, reports) hold personal data: they live outside the static
# tree and are served only through views that check access.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Several hosts: with AWS_STORAGE_BUCKET_NAME set, media live in an S3-compatible object store
# (MinIO in docker-compose.yml) that every web, worker and beat host shares; MEDIA_ROOT then holds
# nothing. Objects are private: files are streamed by the portal after its access check, and the
# storages refuse to make a URL (disnaker/objectstore.py).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    from disnaker.objectstore import object_store_storages

    STORAGES |= object_store_storages(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        region=env.str("AWS_S3_REGION_NAME", default=""),
        # Empty keys let boto3 find its own (an instance role, ~/.aws); MinIO needs them set.
        access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Backups (README, "Backup and restore") are encrypted with age to these public keys (age1...). The
# secret key is needed only to restore: best kept off the server and given only then.
BACKUP_AGE_RECIPIENTS = env.list("BACKUP_AGE_RECIPIENTS", default=[])
BACKUP_AGE_IDENTITY = env.str("BACKUP_AGE_IDENTITY", default="")
BACKUP_AGE_IDENTITY_FILE = env.str("BACKUP_AGE_IDENTITY_FILE", default="")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Reference data import/export in the admin (django-import-export) -----------------------
# The import and export buttons need the model's permissions (disnaker/admin_import_export.py adds
# "add" to the import's); exports never start a cell with "=" (the resources also quote every
# formula-like cell); an import is saved in one transaction; the file waits between the preview and
# the confirmation in the shared cache, so any web process can confirm it.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Disnaker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from the portal's own static files,
# no inline code, no plugins, no framing; JSON for scripts travels in json_script or data-* attributes.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
# Permissions-Policy (disnaker/middleware.py): the portal uses no device or payment feature.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
        "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
        "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
        "xr-spatial-tracking=()"
    ),
)
# Staff are logged out after this many seconds without a request (job seekers keep the session length).
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_TIMEOUT", default=30 * 60)
# Staff who can reveal a person's NIK (and superusers) confirm their login with a TOTP code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portal Disnaker")
# DEBUG only: the demo superuser's TOTP key (hex), printed with the demo logins so the demo stays usable.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930" if DEBUG else ""
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# No query string is logged (disnaker.logs): a search by NIK or a NIK typed into a URL stays out of
# the logs. The development server's request lines keep Django's own handler and format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "disnaker.logs.NoQueryStrings"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["no_query_strings"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_strings"],
        },
    },
}

# --- The city and its office (one deployment serves one city) ------------------------------
CITY_NAME = env.str("CITY_NAME", default="Kota Cilegon")
CITY_CODE = env.str("CITY_CODE", default="36.72")
PROVINCE_NAME = env.str("PROVINCE_NAME", default="Provinsi Banten")
OFFICE_NAME = env.str("OFFICE_NAME", default="Dinas Tenaga Kerja Kota Cilegon")
OFFICE_SHORT_NAME = env.str("OFFICE_SHORT_NAME", default="Disnaker Kota Cilegon")
OFFICE_GOVERNMENT = env.str("OFFICE_GOVERNMENT", default="Pemerintah Kota Cilegon")
OFFICE_ADDRESS = env.str(
    "OFFICE_ADDRESS", default="Jl. Jend. Sudirman No. 2, Ramanuju, Purwakarta, Kota Cilegon, Banten 42431"
)
OFFICE_PHONE = env.str("OFFICE_PHONE", default="(0254) 000000")
OFFICE_EMAIL = env.str("OFFICE_EMAIL", default="disnaker@cilegon.go.id")
OFFICE_WEBSITE = env.str("OFFICE_WEBSITE", default="https://disnaker.cilegon.go.id")
# The portal's own address, for links in e-mails, PDFs and verification codes.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The kecamatan/kelurahan master loaded by the reference-data migration and `load_reference`.
# Public statistics: a breakdown cell below this count is shown as "< N" so no one can be singled out.
STATS_MIN_CELL = env.int("STATS_MIN_CELL", default=5)
REGIONS_CSV = Path(env.str("REGIONS_CSV", default=str(BASE_DIR / "disnaker" / "data" / "cilegon_regions.csv")))
