"""Journey (A13/A7): centre staff open the roster of aid lawyers, add one through the form; axe-core
finds no serious problem on the list or the roster page."""

import re

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sifa.cases.tests.conftest import aid  # noqa: F401  (fixture)
from sifa.legal_aid.models import AidLawyer
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_roster_pages_work_and_have_no_serious_axe_violations(
    page: Page,
    live_server: LiveServer,
    page_errors: list[str],
    aid,  # noqa: F811
    login_browser_as,
) -> None:
    centre, lawyer = aid["centre"], aid["lawyers"][0]
    login_browser_as(aid["officer"])

    page.goto(f"{live_server.url}/legal-aid/rosters/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name=centre.name).click()
    page.wait_for_url(f"**/legal-aid/rosters/{centre.pk}/")
    assert_no_serious_axe_violations(page)

    page.get_by_label(re.compile(r"^律师[:：]?$")).select_option(str(lawyer.pk))
    page.get_by_label("首次执业年份").fill("2012")
    page.get_by_role("button", name="列入名册").click()
    page.wait_for_load_state()
    assert page.locator(f"#entry-{lawyer.pk}").is_visible()
    assert AidLawyer.objects.filter(centre=centre, lawyer=lawyer, active=True).exists()
    assert_no_serious_axe_violations(page)
    assert page_errors == []
