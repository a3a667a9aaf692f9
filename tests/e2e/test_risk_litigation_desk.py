"""Journey (E1): a filing officer uploads case and party files at the filing desk and sees each
flagged filing with its evidence and the counts per category; axe on the page."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sifa.accounts.choices import Role
from sifa.risk import litigation_data
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filing_officer_sees_flags_with_evidence(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff: Any, login_browser_as: Any, tmp_path: Path
) -> None:
    litigation_data.write(tmp_path, 20, seed=3)
    login_browser_as(make_staff("370102", (Role.BUREAU_STAFF,)))

    page.goto(f"{live_server.url}/risk/litigation/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("案件文件").set_input_files(str(tmp_path / "cases.csv"))
    page.get_by_label("当事人文件").set_input_files(str(tmp_path / "parties.csv"))
    page.get_by_role("button", name="筛查").click()

    assert page.locator("#category-counts caption").inner_text() == "共 46 件案件，预警 11 件"
    counts = page.locator("#category-counts tbody").inner_text()
    assert counts == "虚假诉讼\t5\n滥诉\t3\n涉众\t3"
    flags = page.locator("#flags tbody tr")
    assert flags.count() == 11
    assert "共用电话 130****" in flags.first.inner_text()
    assert_no_serious_axe_violations(page)
    assert page_errors == []
