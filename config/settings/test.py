import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import BASE_DIR, DATABASES, STORAGES, TEMPLATES

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

# SQLite tests run on a file, not in memory: the live server's threads then open their own connections as a real
# server's would, so concurrency tests see "database is locked" if it can happen (an in-memory test database is one
# shared connection). One file per test process, removed by the test runner at the end: in a parallel run each
# pytest-xdist worker is a process of its own, and pytest-django suffixes the name with the worker's id (`_gw0`…).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    TEST_DB_FILE = Path(tempfile.gettempdir()) / f"passerelles-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DB_FILE)}
