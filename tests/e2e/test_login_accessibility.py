"""Journey: a visitor opens the staff and the citizen login pages; axe-core finds no serious problem."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "heading"), [("/accounts/login/", "工作人员登录"), ("/accounts/citizen-login/", "群众登录")]
)
def test_login_page_has_no_serious_axe_violations(
    page: Page, live_server: LiveServer, page_errors: list[str], path: str, heading: str
) -> None:
    page.goto(f"{live_server.url}{path}")

    assert page.locator("h1").inner_text() == heading
    assert_no_serious_axe_violations(page)
    assert page_errors == []
