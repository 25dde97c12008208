from config.settings.base import *  # noqa: F401,F403
from config.settings.base import STORAGES

DEBUG = True
# No manifest in development: collectstatic is not needed to serve pages.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
