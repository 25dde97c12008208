"""The English catalogue is complete and well formed, and the language follows the switcher, never the browser."""

import contextlib
import fcntl
import html
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from passerelles.core.enums import Role

BASE_DIR = Path(settings.BASE_DIR)
LC_MESSAGES = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
# The same exclusions as the documented `makemessages` command (docs/i18n.md).
NOT_SOURCES = {".venv", ".git", "e2e", "bench", "media", ".test-media", "staticfiles", "static", "node_modules"}

LOGIN_URL = "/comptes/connexion/"
STRATEGY_URL = "/alpha/strategie/"


def _catalogue_stale() -> bool:
    return not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogue():
    """The pages below need the `.mo`, which is built, not committed: build it when missing or stale.

    In a parallel run every worker asks: one builds it under a lock, the others wait and find it fresh."""
    if not _catalogue_stale():
        return
    with open(Path(tempfile.gettempdir()) / "passerelles-compilemessages.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _catalogue_stale():
            # compilemessages walks the current directory: walk the project, whoever started pytest from where.
            with contextlib.chdir(BASE_DIR):
                call_command("compilemessages", ignore=[".venv/*"], verbosity=0)
    # A catalogue loaded before the build would stay cached: forget them (as Django's setting_changed does).
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    trans_real.translation_catalog_exists.cache_clear()


@pytest.fixture(autouse=True)
def _restore_language():
    # The middleware activates the language for the thread and leaves it so: don't leak English to other tests.
    before = translation.get_language()
    yield
    translation.activate(before)


# --- A small .po reader: enough for the catalogues makemessages writes. ---

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgid, msgid_plural (maybe), msgstr or msgstr[0], msgstr[1]…, flags, line."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry = {"flags": set()}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:") and "line" not in entry:
                entry["line"] = line[2:].split()[0]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[current] += _unquote(line)
            else:
                current, _, value = line.partition(" ")
                entry[current] = _unquote(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def translations_of(entry: dict) -> list[tuple[str, str]]:
    """(source, translation) pairs: the singular against msgstr[0], the plural against the other forms."""
    if "msgid_plural" not in entry:
        return [(entry["msgid"], entry["msgstr"])]
    forms = sorted(key for key in entry if key.startswith("msgstr["))
    return [(entry["msgid"] if key == "msgstr[0]" else entry["msgid_plural"], entry[key]) for key in forms]


PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%[sd]|\{[^{}]*\}|<[^>]+>")


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True
    )
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, report
    # Only "N translated messages.": any fuzzy or untranslated count would be appended to that line.
    assert re.fullmatch(r"\d+ translated messages?\.", report), report


def test_every_entry_is_translated_and_not_fuzzy():
    entries = read_po(PO)
    header = [entry for entry in entries if entry["msgid"] == ""]
    assert len(header) == 1 and "fuzzy" not in header[0]["flags"], "the header must not stay fuzzy"
    assert "Language: en\n" in header[0]["msgstr"]
    problems = []
    for entry in entries:
        if entry["msgid"] == "":
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['line']} {entry['msgid']!r}")
        if any(not target.strip() for _, target in translations_of(entry)):
            problems.append(f"untranslated: {entry['line']} {entry['msgid']!r}")
    assert not problems, "\n".join(problems)


def test_placeholders_and_markup_are_kept():
    """`%(name)s`, `%%`, `{name}` and HTML tags: the same ones, as many times, in every translation."""
    problems = []
    for entry in read_po(PO):
        if entry["msgid"] == "":
            continue
        for source, target in translations_of(entry):
            expected, found = Counter(PLACEHOLDER.findall(source)), Counter(PLACEHOLDER.findall(target))
            if expected != found:
                problems.append(f"{entry['line']} {source!r} -> {target!r}: {sorted(expected)} != {sorted(found)}")
            if source.endswith("\n") != target.endswith("\n") or source.startswith("\n") != target.startswith("\n"):
                problems.append(f"{entry['line']} {source!r}: leading/trailing newline differs")
    assert not problems, "\n".join(problems)


def test_catalogue_is_up_to_date_with_the_sources(tmp_path):
    """`makemessages` run now on a copy of the project would find no string missing from the committed catalogue."""
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(*NOT_SOURCES, "__pycache__", "*.pyc", "*.mo", "*.sqlite3", ".*_cache"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    fresh = {entry["msgid"]: entry for entry in read_po(copy / PO.relative_to(BASE_DIR))}
    committed = {entry["msgid"] for entry in read_po(PO)}
    missing = [f"{entry.get('line')} {msgid!r}" for msgid, entry in fresh.items() if msgid not in committed]
    stale = sorted(committed - fresh.keys())
    assert not missing, "run makemessages and translate (docs/i18n.md):\n" + "\n".join(missing)
    assert not stale, "run makemessages --no-obsolete (docs/i18n.md); strings no longer in the sources:\n" + "\n".join(
        map(repr, stale)
    )


# --- The pages. ---


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def main_nav(text: str) -> str:
    """The navigation: the main sections and the current section's own links."""
    match = re.search(r'<nav class="main-nav".*?</nav>\s*<nav class="sub-nav".*?</nav>', text, re.S)
    assert match, "no main navigation on the page"
    return match.group(0)


def choose(client, language: str):
    response = client.post("/langue/", {"language": language, "next": LOGIN_URL})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


@pytest.mark.django_db
def test_login_page_is_french_by_default(client):
    text = page(client.get(LOGIN_URL))
    assert '<html lang="fr">' in text
    assert "Se connecter" in text and "Mot de passe oublié ?" in text
    assert "Log in" not in text


def test_strategy_page_is_french_by_default(world, client):
    client.force_login(world.members[Role.ADMIN])
    response = client.get(STRATEGY_URL)
    text = page(response)
    assert '<html lang="fr">' in text
    assert response["Content-Language"] == "fr"
    nav = main_nav(text)
    assert "Plan d'actions" in nav and "Stratégie" in nav
    assert "Action plan" not in nav


@pytest.mark.django_db
def test_switcher_turns_the_login_page_english(client):
    choose(client, "en")
    response = client.get(LOGIN_URL)
    text = page(response)
    assert '<html lang="en">' in text
    assert response["Content-Language"] == "en"
    assert "Log in" in text and "Forgotten your password?" in text
    assert "Se connecter" not in text


def test_switcher_turns_the_strategy_page_english(world, client):
    client.force_login(world.members[Role.ADMIN])
    choose(client, "en")
    text = page(client.get(STRATEGY_URL))
    assert '<html lang="en">' in text
    nav = main_nav(text)
    assert "Action plan" in nav and "Strategy" in nav
    assert "Plan d'actions" not in nav
    assert "Reference strategy document" in text
    # Lazy translations of model choices follow too: the role shown beside the user.
    assert "Administrator" in text


def test_switching_back_to_french(world, client):
    client.force_login(world.members[Role.ADMIN])
    choose(client, "en")
    choose(client, "fr")
    text = page(client.get(STRATEGY_URL))
    assert '<html lang="fr">' in text
    assert "Plan d'actions" in main_nav(text)


@pytest.mark.django_db
def test_browser_language_is_ignored(client):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    text = page(response)
    assert '<html lang="fr">' in text
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in text


def test_browser_language_is_ignored_when_logged_in(world, client):
    client.force_login(world.members[Role.ADMIN])
    text = page(client.get(STRATEGY_URL, HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="fr">' in text
    assert "Plan d'actions" in main_nav(text)


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    text = page(client.get(LOGIN_URL))
    assert '<html lang="fr">' in text
