"""Benchmark of the strategy pages at three sizes of action plan: prints figures, asserts nothing.

Usage: python bench/run.py [--repeat N]   (uses a throw-away SQLite database unless DATABASE_URL is set)
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="passerelles-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from passerelles.core.models import Organisation  # noqa: E402
from passerelles.demo.loader import load_demo  # noqa: E402
from passerelles.strategy.models import Action, StrategyDocument  # noqa: E402

PAGES = [
    ("overview", "/caece/strategie/"),
    ("plan", "/caece/strategie/plan/"),
    ("plan, orientation 6", "/caece/strategie/plan/?orientation=6"),
    ("matrix", "/caece/strategie/matrice/"),
    ("export CSV", "/caece/strategie/plan/export/?format=csv"),
    ("export XLSX", "/caece/strategie/plan/export/?format=xlsx"),
]


def grow(document, target: int) -> None:
    originals = list(document.actions.filter(code__regex=r"^[TP][0-9.]+$").prefetch_related("orientations"))
    copy = document.actions.count() // len(originals)
    while document.actions.count() < target:
        for action in originals:
            clone = Action.objects.create(
                organisation=action.organisation,
                document=document,
                code=f"{copy}:{action.code}",
                title=action.title,
                priority=action.priority,
                actor_category=action.actor_category,
                lead_directorate=action.lead_directorate,
                status=action.status,
                position=action.position + 1000 * copy,
            )
            clone.orientations.set(action.orientations.all())
        copy += 1


def measure(client, url: str, repeat: int) -> tuple[float, float, int, float]:
    client.get(url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        client.get(url)
    tracemalloc.start()
    client.get(url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), max(times), len(queries), peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    load_demo()
    organisation = Organisation.objects.get(slug="caece")
    document = StrategyDocument.objects.get(organisation=organisation, status="adopted")
    client = Client()
    client.force_login(organisation.memberships.get(role="officer").user)
    print(f"database: {connection.vendor}; {args.repeat} runs per page; times in ms (median / max)")
    print(f"{'actions':>8}  {'page':<22}{'median':>9}{'max':>9}{'queries':>9}{'peak MiB':>10}")
    for size in (50, 500, 5000):
        grow(document, size)
        for label, url in PAGES:
            median, worst, queries, peak = measure(client, url, args.repeat)
            print(f"{document.actions.count():>8}  {label:<22}{median:>9.1f}{worst:>9.1f}{queries:>9}{peak:>10.1f}")


if __name__ == "__main__":
    main()
