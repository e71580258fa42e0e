"""Builders for the graphics tests, and the browser fixtures:
Playwright for Python driving Debian's Chromium (never a downloaded browser).

The browser tests use Playwright's async API: its sync API keeps an event loop running in the
test thread, where Django then refuses ORM calls. One browser per test module, one fresh context
per test.
"""

import os
from pathlib import Path

import pytest
import pytest_asyncio

from conftest import ARTIFACTS, Daphne, current_database_url
from graphics import services


def canvas(*elements, **extra) -> dict:
    return {"elements": list(elements), **extra}


def text_element(element_id: str = "t1", **extra) -> dict:
    return {"id": element_id, "type": "text", "x": 10, "y": 20, "content": "Hello", **extra}


def list_element(element_id: str = "p1", kind: str = "players", **extra) -> dict:
    return {"id": element_id, "type": kind, "x": 100, "y": 200, "spacing": 40, "previewCount": 8, **extra}


def make_graphic(user, title: str = "Lobby standings", event_name: str = "Week 1", data_json=None, **fields):
    return services.graphic_create(user=user, title=title, event_name=event_name,
                                   data_json=data_json if data_json is not None else canvas(text_element()),
                                   **fields)


@pytest.fixture(autouse=True)
def _uncollected_static_files(settings):
    # Admin pages name static files; the tests run without `collectstatic`'s manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page_server(django_db_setup):
    """One daphne process serving the test database to a whole module (the `daphne_server`
    fixture starts one per test, which a test that restarts its server needs)."""
    env = {**os.environ, "DATABASE_URL": current_database_url(), "DEBUG": "false"}
    server = Daphne(env, ARTIFACTS, "overlay-page", verbosity=1, backlog=None)
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                   args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


class BrowserConsole:
    """Every console error and uncaught exception a page reports."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))


@pytest_asyncio.fixture(loop_scope="module")
async def page(chromium):
    """A 1920x1080 page, the size of an OBS browser source."""
    # bypass_csp lets Playwright poll its own wait_for_function predicates; the page's
    # scripts are same-origin and would pass the policy anyway.
    context = await chromium.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
    yield await context.new_page()
    await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def console(page) -> BrowserConsole:
    # Listening subscribes to the page's events, which needs the running loop.
    return BrowserConsole(page)

