"""Sifa settings: one module, every value read from the environment (django-environ).

A `.env` file in the project root is read when present (`make run` writes one with fresh keys).
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("SIFA_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
HTTPS = env.bool("SIFA_HTTPS", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Field encryption (resident ID numbers, phones) and keyed lookup hashes: 32 random bytes, base64.
SIFA_FIELD_KEY = env.str("SIFA_FIELD_KEY")
# Ed25519 private key (32 bytes, base64) signing audit tree heads and documents.
SIFA_SIGNING_KEY = env.str("SIFA_SIGNING_KEY")
SIFA_CHECKPOINT_DIR = Path(env.str("SIFA_CHECKPOINT_DIR", default=str(VAR_DIR / "checkpoints")))
# PostgreSQL: a ledger number still missing this long after a later one committed is filled with a
# signed void entry (its transaction failed after taking it); see src/sifa/audit/README.md.
SIFA_AUDIT_VOID_GRACE_SECONDS = env.float("SIFA_AUDIT_VOID_GRACE_SECONDS", default=30.0)
# Notarization's identity check against government data: the default stub answers with data marked
# 测试数据; a deployment names its own adapter class (sifa.notary.identity.IdentityAdapter).
SIFA_IDENTITY_ADAPTER = env.str("SIFA_IDENTITY_ADAPTER", default="sifa.notary.identity.StubIdentityAdapter")
SIFA_SMS_BACKEND = env.str("SIFA_SMS_BACKEND", default="sifa.accounts.sms.FileSmsBackend")
SIFA_SMS_DIR = Path(env.str("SIFA_SMS_DIR", default=str(VAR_DIR / "sms")))
# The address printed on documents and in their QR codes (https://sifa.sft.example.gov.cn).
SIFA_PUBLIC_URL = env.str("SIFA_PUBLIC_URL", default="http://127.0.0.1:8000")
# A licensed 仿宋 font for documents instead of the bundled WenQuanYi Micro Hei (path to .ttf/.ttc).
SIFA_DOCUMENT_FONT = env.str("SIFA_DOCUMENT_FONT", default="")
SIFA_MAX_UPLOAD_BYTES = env.int("SIFA_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves its bundled Swagger UI files (no CDN)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sifa.core",
    "sifa.audit",
    "sifa.regions",
    "sifa.accounts",
    "sifa.people",
    "sifa.documents",
    "sifa.cases",
    "sifa.legal_aid",
    "sifa.consultation",
    "sifa.reconsideration",
    "sifa.mediation",
    "sifa.wage_arrears",
    "sifa.notary",
    "sifa.arbitration",
    "sifa.appraisal",
    "sifa.screening",
    "sifa.risk",
    "sifa.portal",
    "sifa.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sifa.accounts.middleware.VerifiedStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sifa.urls"
WSGI_APPLICATION = "sifa.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"

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
                "csp.context_processors.nonce",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sifa.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus the audit ledger's hook sending a transaction's entries with its COMMIT.
    DATABASES["default"]["ENGINE"] = "sifa.audit.backends.postgresql"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sifa.accounts.backends.SmsCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: 5 failures lock the account (not the address) for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sifa.accounts.views.lockout_response"
AXES_VERBOSE = False
# The issue asks for an account lock (not an address lock): bureau intranets sit behind shared NAT,
# where locking an address would lock out a whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle sessions end after 30 minutes: the expiry is pushed forward on each request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
# Only Simplified Chinese until a full translation exists: a half-English page helps nobody.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = SIFA_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env.str("SIFA_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
