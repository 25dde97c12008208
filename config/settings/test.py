from config.settings.base import *  # noqa: F401,F403
from config.settings.base import BASE_DIR, STORAGES, TEMPLATES

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = BASE_DIR / ".test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Templates fail loudly on undefined variables.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID-VARIABLE[%s]"
# SQLite by default, PostgreSQL when DATABASE_URL says so: CI runs both.
# Static files straight from the app folders: no collectstatic before the tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
