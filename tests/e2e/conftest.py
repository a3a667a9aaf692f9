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


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per journey file.

    Playwright's sync API keeps an asyncio event loop running in this thread from start to stop,
    and Django refuses ORM calls while a loop runs ("async-unsafe"). Nothing here is really async,
    so DJANGO_ALLOW_ASYNC_UNSAFE is set, but only while Playwright runs: with a session-wide browser
    the loop (and the variable) would stay for every later test in the same xdist worker, switching
    off Django's guard for the whole suite and leaking into subprocesses (`check --deploy` refuses it).
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}. Install it with `make browser` "
            "(Debian: apt-get install chromium fonts-wqy-microhei) or set SIFA_CHROMIUM.",
            pytrace=False,
        )
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


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
