"""Journey: an elderly visitor switches on 大字版 (big type); the choice survives a reload."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def root_font_px(page: Page) -> float:
    return float(page.evaluate("() => getComputedStyle(document.documentElement).fontSize").removesuffix("px"))


def test_big_type_toggle_enlarges_text_and_is_remembered(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    toggle = page.get_by_role("button", name="大字版")
    assert toggle.get_attribute("aria-pressed") == "false"
    normal = root_font_px(page)

    toggle.click()

    assert toggle.get_attribute("aria-pressed") == "true"
    assert root_font_px(page) > normal * 1.2
    page.reload()
    assert page.evaluate("() => document.documentElement.classList.contains('sifa-bigtype')") is True
    assert page.get_by_role("button", name="大字版").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="大字版").click()

    assert root_font_px(page) == normal
    page.reload()
    assert root_font_px(page) == normal


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
