"""Journey (A3 acceptance): pick a region on the map (or with the plain pickers) and see the right
legal-aid centre with phone, address and hours; with a shared location the nearest comes first."""

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.legal_aid import finder
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _centres(make_staff) -> None:
    clerk = make_staff("370000", (Role.BUREAU_STAFF,))
    for name, code, lat, lng, phone in (
        ("历下区法律援助中心", "370102", "36.6735", "117.0549", "0531-86012348"),
        ("市中区法律援助中心", "370103", "36.6368", "116.9963", "0531-82012348"),
    ):
        org = Organisation.objects.create(name=name, kind=OrganisationKind.LEGAL_AID_CENTRE, division_id=code)
        finder.service_point_save(
            actor=clerk,
            organisation_id=org.pk,
            address=f"{name}接待大厅",
            phone=phone,
            hours="周一至周五 9:00-17:00",
            latitude=lat,
            longitude=lng,
        )


def _click_map(page: Page, lng: float, lat: float) -> None:
    """Click the region at (lng, lat) as a visitor would; like a visitor, click again if the first
    click is lost (seen only on a loaded CI machine, where the canvas can miss it)."""
    expect(page.locator("#finder-map[data-ready='1']")).to_have_count(1, timeout=20_000)
    for attempt in (1, 2):
        x, y = page.evaluate(
            "([lng, lat]) => window.sifaFinderChart.convertToPixel({seriesIndex: 0}, [lng, lat])", [lng, lat]
        )
        try:
            with page.expect_navigation(timeout=10_000 * attempt):  # a region click loads its page
                page.locator("#finder-map canvas").first.click(position={"x": x, "y": y})
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def test_map_drill_down_and_nearest_first(page: Page, live_server: LiveServer, make_staff, page_errors) -> None:
    _centres(make_staff)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 36.64, "longitude": 116.99})  # in 市中区
    page.goto(f"{live_server.url}/legal-aid/centres/")
    assert_no_serious_axe_violations(page)
    _click_map(page, 118.0, 36.3)  # 山东
    expect(page.locator("#finder-province")).to_have_value("370000")
    _click_map(page, 117.05, 36.62)  # 济南市
    expect(page.locator("#finder-division")).to_have_value("370100")
    first = page.locator(".finder-centre").first
    expect(first).to_contain_text("历下区法律援助中心")
    expect(first.locator(".centre-phone")).to_have_text("0531-86012348")
    expect(first.locator(".centre-hours")).to_have_text("周一至周五 9:00-17:00")
    page.get_by_role("button", name="使用我的位置，按距离排序").click()
    expect(page.locator(".finder-centre").first).to_contain_text("市中区法律援助中心")
    expect(page.locator(".finder-centre").first.locator(".centre-distance")).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert not page_errors


def test_plain_pickers_without_javascript(browser, live_server: LiveServer, make_staff) -> None:
    _centres(make_staff)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/legal-aid/centres/")
        page.get_by_label("省份", exact=True).select_option("370000")
        page.get_by_role("button", name="查找").click()
        page.get_by_label("城市或区县").select_option("370103")
        page.get_by_role("button", name="查找").click()
        centres = page.locator(".finder-centre")
        expect(centres).to_have_count(1)
        expect(centres.first).to_contain_text("市中区法律援助中心接待大厅")
        expect(centres.first.locator(".centre-phone")).to_have_text("0531-82012348")
    finally:
        context.close()
