"""Browser-test fixtures: Debian's Chromium driven by Playwright (sync API) against pytest-django's live_server.

Browser tests are marked `@pytest.mark.browser`. A missing Chromium or axe-core is a failure with a
clear message, never a skip (`make browser` / scripts/ensure-browser.sh installs both).
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.models import User
from tests.conftest import verified_session_key

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would then
# refuse ORM calls made by fixtures and tests. Nothing here is really async, so allow it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The live server listens on 127.0.0.1 (pytest-django's default is "localhost"), the one host the
# offline test lets through.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path(os.environ.get("SIFA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test session (per xdist worker)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}. Install it with `make browser` "
            "(Debian: apt-get install chromium fonts-wqy-microhei) or set SIFA_CHROMIUM.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (cookies, localStorage) per test, in Simplified Chinese."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()


@pytest.fixture
def page_errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of `page` (CSP violations show up here)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_error(error: Error) -> None:
        errors.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    return errors


@pytest.fixture
def login_browser_as(
    context: BrowserContext, live_server: LiveServer, transactional_db: None
) -> Callable[[User], None]:
    """`login_browser_as(user)`: put an (OTP-verified, for staff) session cookie into the browser context.

    For journeys that are not about logging in; the login journey itself should use the real form.
    Rows the live server must see need a transactional database: mark such tests
    `@pytest.mark.django_db(transaction=True)`.
    """
    from django.conf import settings
    from django.test import Client

    def login(user: User) -> None:
        key = verified_session_key(Client(), user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])

    return login
