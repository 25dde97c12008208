from pathlib import Path

import dj_database_url

from config.env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "passerelles.core",
    "passerelles.strategy",
    "passerelles.steering",
    "passerelles.actors",
    "passerelles.calls",
    "passerelles.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP, Permissions-Policy, no-store on the back office and downloads (static files are served above it).
    "passerelles.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "passerelles.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "passerelles.core.middleware.IdleSessionMiddleware",  # after auth and messages: it logs out and says why
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "passerelles.core.middleware.OrganisationMiddleware",
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
                "django.template.context_processors.i18n",
                "passerelles.core.context_processors.organisation",
                "passerelles.actors.context_processors.actor_space",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "0")),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under concurrent use: WAL lets readers run beside the writer; IMMEDIATE takes the write
    # lock when a transaction begins, so two requests never deadlock upgrading a read lock ("database is locked"),
    # they queue for up to `timeout` seconds instead. Requests are atomic, so SQLite serialises them: for many
    # simultaneous users, use PostgreSQL (DATABASE_URL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "core.User"
# Login throttling (core.throttle): failures counted per account and per address over a sliding window.
LOGIN_THROTTLE = {
    "WINDOW_SECONDS": int(env("LOGIN_THROTTLE_WINDOW", str(15 * 60))),
    "ACCOUNT_LIMIT": int(env("LOGIN_THROTTLE_ACCOUNT_LIMIT", "5")),
    "ADDRESS_LIMIT": int(env("LOGIN_THROTTLE_ADDRESS_LIMIT", "20")),
}
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed, e.g. "127.0.0.1,10.0.0.0/8". Empty:
# the client's address is the connection's (core.client_ip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# A signed-in person idle for longer than this (seconds) is logged out (core.middleware.IdleSessionMiddleware).
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", str(30 * 60)))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

LANGUAGE_CODE = "fr"
# Each language named in itself, as a language switcher should.
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (docs/design.md, "Files"; docs/deployment.md): "default" holds PUBLIC files only (logos, under
# MEDIA_ROOT, served at MEDIA_URL); "private" holds every other upload, under PRIVATE_MEDIA_ROOT, has no URL, and its
# files leave only through views that check permission (core.files.serve_private_file).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "passerelles.core.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
# How a checked view hands a private file over: "django" streams it; "nginx" answers X-Accel-Redirect to the
# `internal` location PRIVATE_MEDIA_ACCEL_PREFIX; "apache" answers X-Sendfile (mod_xsendfile); "signed-url"
# redirects to a short-lived signed URL of the private storage (S3-compatible: `url(name, expire=…)`).
PRIVATE_MEDIA_SERVER = env("PRIVATE_MEDIA_SERVER", "django")
PRIVATE_MEDIA_ACCEL_PREFIX = env("PRIVATE_MEDIA_ACCEL_PREFIX", "/_private-media/")
PRIVATE_MEDIA_URL_EXPIRE_SECONDS = int(env("PRIVATE_MEDIA_URL_EXPIRE_SECONDS", "60"))
# Archives (office documents are ZIP files) may not expand beyond this, nor more than this many times their size.
UPLOAD_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
UPLOAD_MAX_COMPRESSION_RATIO = 100
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
LOGO_MAX_BYTES = 512 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Passerelles <ne-pas-repondre@passerelles.localhost>")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from hx-headers on <body>, no script reads the cookie

PAGE_SIZE = 25

# Maps work offline on a vendored basemap; an online tile layer is added only when a URL template is configured,
# e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (with its attribution in MAP_TILE_ATTRIBUTION).
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Absolute address of the site, for links in emails sent by background jobs (no request to read it from),
# e.g. the weekly watch digest and its unsubscribe link.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
