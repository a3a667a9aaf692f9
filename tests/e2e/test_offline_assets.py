"""Journey: with every request outside 127.0.0.1 blocked, the portal still gets its CSS and htmx (no CDN)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_home_loads_css_and_htmx_with_the_network_cut(
    page: Page, live_server: LiveServer, page_errors: list[str]
) -> None:
    blocked: list[str] = []
    served: list[str] = []

    def only_loopback(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:", "about:")):
            served.append(url)
            route.continue_()
        else:
            blocked.append(url)
            route.abort("internetdisconnected")

    page.route("**/*", only_loopback)
    page.goto(f"{live_server.url}/")

    assert blocked == []
    assert any(url.endswith("/css/sifa.css") for url in served)
    assert any(url.endswith("/vendor/htmx.min.js") for url in served)
    # sifa.css is applied: the header has its dark blue background and the base font is 18px.
    header_bg = page.eval_on_selector(".site-header", "el => getComputedStyle(el).backgroundColor")
    assert header_bg == "rgb(8, 58, 102)"
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "18px"
    # htmx is loaded and took its configuration from the meta tag (CSP-friendly settings).
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("() => htmx.config.allowEval") is False
    # sifa.js ran: the big-type button is shown (it is rendered hidden for no-JS visitors).
    assert page.get_by_role("button", name="大字版").is_visible()
    assert page_errors == []
