"""Journey: a county staff member logs in with password + TOTP, sees the workbench, opens a record of
their own county and cannot open one of another county."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import TEST_PASSWORD
from sifa.accounts.choices import Role
from sifa.people.models import Person
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_token(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def test_county_staff_logs_in_with_totp_and_stays_in_their_county(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff
) -> None:
    user = make_staff("370102", (Role.BUREAU_STAFF,), username="lixia_clerk", full_name="历下区办事员")
    own = Person.objects.create(name="王小明", name_pinyin="wangxiaoming", name_initials="wxm", division_id="370102001")
    other = Person.objects.create(name="李小红", name_pinyin="lixiaohong", name_initials="lxh", division_id="370103")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("lixia_clerk")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_label("动态口令").fill(current_token(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(f"{live_server.url}/workbench/")
    expect(page.locator("h1")).to_have_text("工作台首页")
    expect(page.locator(".header-user")).to_contain_text("历下区办事员")
    expect(page.get_by_test_id("person-count")).to_have_text("1")

    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="人员档案").click()
    expect(page.get_by_role("link", name="王小明")).to_be_visible()
    expect(page.get_by_text("李小红")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    response = page.goto(f"{live_server.url}/people/{own.pk}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("王小明")

    assert page_errors == []

    response = page.goto(f"{live_server.url}/people/{other.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("404 · 页面不存在")
    expect(page.get_by_text("李小红")).to_have_count(0)
