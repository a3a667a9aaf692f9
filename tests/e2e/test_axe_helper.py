"""The axe helper itself: it must fail on serious problems (a checker that never fails proves nothing)."""

import pytest
from playwright.sync_api import Page

from tests.e2e.axe import assert_no_serious_axe_violations, run_axe

pytestmark = pytest.mark.browser


def test_axe_helper_fails_on_a_serious_violation(page: Page) -> None:
    page.set_content('<html lang="zh-Hans"><title>t</title><main><img src="x.png"><button></button></main></html>')

    with pytest.raises(AssertionError, match=r"image-alt|button-name"):
        assert_no_serious_axe_violations(page)


def test_axe_helper_passes_a_clean_page(page: Page) -> None:
    page.set_content('<html lang="zh-Hans"><head><title>t</title></head><body><main><h1>标题</h1></main></body></html>')

    assert_no_serious_axe_violations(page)
    assert run_axe(page)["testEngine"]["name"] == "axe-core"
