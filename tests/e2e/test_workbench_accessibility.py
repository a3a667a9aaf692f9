"""Journey: a verified county staff member opens the workbench; axe-core finds no serious problem."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_workbench_home_has_no_serious_axe_violations(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff, login_browser_as
) -> None:
    login_browser_as(make_staff(username="clerk", full_name="张三", roles=[Role.BUREAU_STAFF]))

    page.goto(f"{live_server.url}/workbench/")

    assert page.locator("h1").inner_text() == "工作台首页"
    assert page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="人员档案").is_visible()
    assert_no_serious_axe_violations(page)
    assert page_errors == []
