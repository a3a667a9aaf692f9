"""Journey: a citizen asks for an SMS code; htmx posts with the CSRF token from <body hx-headers> under the CSP."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_post_carries_the_csrf_token(page: Page, live_server: LiveServer, page_errors: list[str]) -> None:
    page.goto(f"{live_server.url}/accounts/citizen-login/")
    page.get_by_label("手机号码").fill("13800138000")

    with page.expect_response("**/accounts/sms-code/") as response_info:
        page.get_by_role("button", name="获取验证码").click()

    response = response_info.value
    assert response.status == 200
    assert response.request.headers.get("x-csrftoken")
    assert response.request.headers.get("hx-request") == "true"
    page.locator("#sms-status").get_by_text("验证码已发送").wait_for()
    assert page_errors == []
