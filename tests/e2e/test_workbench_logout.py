"""Journey: a staff member opens the workbench, sees only their menu entries, and logs out with the header button."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_out_from_the_workbench(page: Page, live_server: LiveServer, make_staff, login_browser_as) -> None:
    login_browser_as(make_staff(username="auditor", full_name="赵六", roles=[Role.AUDITOR]))
    page.goto(f"{live_server.url}/workbench/")
    sidebar = page.get_by_role("navigation", name="工作台导航")
    links = sidebar.get_by_role("link")
    expect(links.first).to_have_text("工作台首页")
    expect(sidebar.get_by_role("link", name="机构")).to_be_visible()
    expect(sidebar.get_by_role("link", name="人员档案")).to_have_count(
        0
    )  # the audit administrator reads no person records
    expect(page.locator(".header-user")).to_contain_text("赵六")

    page.get_by_role("button", name="退出登录").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")
    page.goto(f"{live_server.url}/workbench/")
    assert "/accounts/login/" in page.url
