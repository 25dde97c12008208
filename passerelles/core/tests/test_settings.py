import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_list

ROOT = Path(__file__).resolve().parents[3]


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("PASSERELLES_T_LIST", " a.example , b.example ,")
    monkeypatch.setenv("PASSERELLES_T_BOOL", "Yes")
    monkeypatch.setenv("PASSERELLES_T_EMPTY", "")
    assert env_list("PASSERELLES_T_LIST") == ["a.example", "b.example"]
    assert env_bool("PASSERELLES_T_BOOL") is True
    assert env("PASSERELLES_T_EMPTY", "default") == "default"
    with pytest.raises(ImproperlyConfigured):
        env("PASSERELLES_T_MISSING", required=True)


def _settings(module: str, **environ) -> subprocess.CompletedProcess:
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'],"
        " 'cache': settings.CACHES['default']['BACKEND'], 'session': settings.SESSION_ENGINE,"
        " 'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}))"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean.update(DJANGO_SETTINGS_MODULE=module, **environ)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def test_production_needs_a_secret_key_and_hosts():
    result = _settings("config.settings.prod", ALLOWED_HOSTS="x.example")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    result = _settings("config.settings.prod", SECRET_KEY="k" * 50)
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_database_and_redis_come_from_the_environment():
    import json

    default = json.loads(_settings("config.settings.dev").stdout)
    assert default["db"].endswith("sqlite3") and default["cache"].endswith("LocMemCache")
    configured = json.loads(
        _settings(
            "config.settings.prod",
            SECRET_KEY="k" * 50,
            ALLOWED_HOSTS="a.example,b.example",
            DATABASE_URL="postgres://u:p@db.example:5432/passerelles",
            REDIS_URL="redis://cache.example:6379/0",
        ).stdout
    )
    assert configured == {
        "db": "django.db.backends.postgresql",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "session": "django.contrib.sessions.backends.cached_db",
        "debug": False,
        "hosts": ["a.example", "b.example"],
    }
