"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per session, a new browser context (cookies, storage) per test. Never `playwright install`:
the browser is the system's `/usr/bin/chromium`.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from e2e.screenshots import ARGS, CHROMIUM

# Playwright's sync API runs an asyncio event loop in the main thread; Django would then refuse ORM calls
# made by the test code (SynchronousOnlyOperation) although they are synchronous. Only the browser is async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).parent
AXE_JS = E2E_DIR / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_BLOCKING = {"serious", "critical"}
DEMO_PASSWORD = "passerelles-demo"
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
            # In a parallel run (`make test`: pytest-xdist with --dist loadgroup) every journey goes to the same
            # worker: one Chromium for the run, as in a serial run, and no two browsers fighting over two cores.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make test-deps`) to run the browser journeys")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable]:
    """`new_context(**options)`: a fresh browser context on the live server (French, desktop size by default).

    Uncaught JavaScript errors in any of its pages fail the test, and so does anything the Content-Security-Policy
    refused (an inline script or style, a foreign resource): the browser reports it on the console.
    """
    contexts, errors = [], []

    def _watch(page):
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: errors.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None,
        )

    def _new_context(**options):
        options = {"viewport": DESKTOP, "locale": "fr-FR", "base_url": live_server.url, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("page", _watch)
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()
    if errors:
        pytest.fail("JavaScript errors or CSP violations in the page:\n" + "\n".join(errors))


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def demo(transactional_db):
    """The CAECE demo organisation (slug `caece`), its strategy, its 50 actions and its demo accounts."""
    from passerelles.demo.loader import load_demo

    return load_demo()


@pytest.fixture
def login() -> Callable:
    """`login(page, email)`: sign in through the real login form with the demo password."""

    def _login(page, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/comptes/connexion/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/comptes/connexion/" not in page.url, f"login failed for {email}"

    return _login


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    on {', '.join(targets)}{f' and {more} more' if more > 0 else ''}"
        )
    return "\n".join(lines)


@pytest.fixture
def axe() -> Callable:
    """`axe(page)`: the serious and critical WCAG 2.1 A/AA violations that axe-core finds on the page.

    `axe.report(violations)` formats them (rule id, impact, help, first target selectors) for an assertion.
    """

    def _axe(page) -> list[dict]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag with the
            # code inline, as add_script_tag makes, would be refused).
            page.evaluate(AXE_JS.read_text() + "\n;undefined")
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        return [v for v in results["violations"] if v["impact"] in AXE_BLOCKING]

    _axe.report = _format_violations
    return _axe
