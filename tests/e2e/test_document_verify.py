"""Journey: a citizen opens /verify/<code> from the QR code, uploads the PDF they hold and sees
真实有效; a doctored copy gives 已被篡改. axe-core finds no serious problem on the page."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from sifa.documents.services import document_issue
from tests.e2e.axe import assert_no_serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTEXT = {
    "parties": [{"label": "甲方", "name": "王建国"}, {"label": "乙方", "name": "李秀英"}],
    "facts": "双方因房屋漏水维修费用的承担发生纠纷。",
    "amount": "12345.60",
    "terms": ["甲方向乙方支付维修费用人民币 12,345.60 元。"],
    "performance": "2026 年 12 月 31 日前一次性支付。",
    "mediator": "赵调解",
}


def test_citizen_verifies_the_pdf_they_hold(
    page: Page, live_server: LiveServer, page_errors: list[str], make_staff: Any, tmp_path: Path
) -> None:
    document = document_issue(
        actor=make_staff("370102"),
        kind="mediation_agreement",
        title="人民调解协议书",
        context=CONTEXT,
        division_code="370102001",
    )
    original = tmp_path / "人民调解协议书.pdf"
    original.write_bytes(document.pdf.read())
    doctored = tmp_path / "改过的协议书.pdf"
    doctored.write_bytes(original.read_bytes().replace(b"/Producer", b"/Producex", 1))

    page.goto(f"{live_server.url}/verify/{document.code}")

    assert page.locator("h1").inner_text() == "文书核验"
    assert page.get_by_role("status").first.inner_text() == "该文书由本平台出具，电子签名有效，未被撤销。"
    assert "王建国" not in page.content()
    assert_no_serious_axe_violations(page)

    page.get_by_label("上传 PDF 文件核验").set_input_files(str(original))
    page.get_by_role("button", name="上传并核验").click()
    assert page.locator("#upload-result").inner_text().startswith("真实有效")

    page.get_by_label("上传 PDF 文件核验").set_input_files(str(doctored))
    page.get_by_role("button", name="上传并核验").click()
    assert page.locator("#upload-result").inner_text().startswith("已被篡改")
    assert_no_serious_axe_violations(page)

    page.set_viewport_size({"width": 360, "height": 740})  # a phone, as when arriving from the QR code
    page.goto(f"{live_server.url}/verify/{document.code}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_errors == []
