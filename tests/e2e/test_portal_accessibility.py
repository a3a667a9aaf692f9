"""Journey: a visitor opens the portal home page; axe-core finds no serious accessibility problem."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_home_has_no_serious_axe_violations(page: Page, live_server: LiveServer, page_errors: list[str]) -> None:
    page.goto(f"{live_server.url}/")

    assert page.locator("h1").inner_text() == "智慧司法 · 公共法律服务"
    assert_no_serious_axe_violations(page)
    assert page_errors == []


def test_portal_home_in_big_type_has_no_serious_axe_violations(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="大字版").click()

    assert_no_serious_axe_violations(page)
