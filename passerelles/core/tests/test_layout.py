"""One house: every app follows the rule of docs/architecture.md, and the tree written there is the tree on disk."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "passerelles"
LAYERS = ("forms", "selectors", "services", "views", "urls")
# Modules of a layer that are not areas: shared helpers, and the URL modules of the audiences.
HELPERS = {"common", "search"}
# Template folders that are not areas: pieces shared by the areas of the app.
AUDIENCES = {"backoffice", "space", "applicant", "public"}
SHARED_TEMPLATE_FOLDERS = {"includes", "emails", "pdf"}
SKIPPED = {"__pycache__", "migrations", "management", "templatetags", "static", "data", "locale"}


def _apps() -> list[Path]:
    return sorted(p for p in PACKAGE.iterdir() if (p / "apps.py").exists())


def _modules(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")


def _is_multi_area(app: Path) -> bool:
    return (app / "views").is_dir()


def _areas(app: Path) -> set[str]:
    """The area names of an app: its modules in forms, selectors, services and views (URL modules may be audiences)."""
    names = set()
    for layer in ("forms", "selectors", "services", "views"):
        names |= set(_modules(app / layer))
    return names - HELPERS


def tree() -> str:
    """The tree of the apps as docs/architecture.md shows it (migrations, commands and tests' files left out)."""
    lines = ["passerelles/"]
    for app in _apps():
        lines.append(f"  {app.name}/")
        flat = [f"{m}.py" for m in _modules(app)]
        lines.append("    " + " ".join(flat))
        for layer in LAYERS:
            if (app / layer).is_dir():
                lines.append(f"    {layer}/  " + " ".join(_modules(app / layer)))
        templates = app / "templates" / app.name
        if templates.is_dir():
            folders = sorted(p.name for p in templates.iterdir() if p.is_dir())
            if folders:
                lines.append(f"    templates/{app.name}/  " + " ".join(f"{f}/" for f in folders))
        tests = ["test_<area>_*.py", "expectations_<area>.py"] if _is_multi_area(app) else ["test_*.py"]
        if (app / "tests" / "factories.py").exists():
            tests.append("factories.py")
        lines.append("    tests/  " + "  ".join(tests))
    return "\n".join(lines)


def test_the_tree_in_the_docs_is_the_tree_on_disk():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert tree() in text, "docs/architecture.md is out of date; its tree should read:\n\n" + tree()


@pytest.mark.parametrize("app", [a.name for a in _apps()])
def test_no_flat_module_named_by_area_or_layer(app):
    """No `census_views.py`, `urls_public.py` or `public_urls.py`: layers are packages in an app with several areas."""
    root = PACKAGE / app
    suffixes = tuple(f"_{layer}" for layer in (*LAYERS, "forms")) + ("_selectors", "_services")
    offenders = [m for m in _modules(root) if m.endswith(suffixes) or m.startswith("urls_")]
    assert offenders == []
    if _is_multi_area(root):
        flat_layers = [m for m in _modules(root) if m in LAYERS]
        assert flat_layers == [], "an app with several areas keeps its layers in packages"


@pytest.mark.parametrize("app", [a.name for a in _apps() if _is_multi_area(a)])
def test_the_same_area_names_in_every_layer(app):
    root = PACKAGE / app
    areas = _areas(root)
    # Every area has its views or its services: a name found in one layer only is a second name for an area.
    for area in areas:
        assert area in _modules(root / "views") or area in _modules(root / "services"), area
    # The URL package: one module per audience including the areas, the back office at least; the others are areas.
    urls = set(_modules(root / "urls"))
    assert "backoffice" in urls
    assert urls - areas - AUDIENCES == set()
    # Templates: one folder per area.
    templates = root / "templates" / app
    folders = {p.name for p in templates.iterdir() if p.is_dir()}
    assert folders - areas - SHARED_TEMPLATE_FOLDERS == set()
    # Tests mirror the areas: test_<area>_….py, expectations_<area>.py.
    modules = set(_modules(root))
    for test in _modules(root / "tests"):
        if test.startswith("expectations_"):
            assert test.removeprefix("expectations_") in areas, test
        elif test.startswith("test_"):
            first = test.removeprefix("test_").split("_")[0]
            assert first in areas or first in modules, test
