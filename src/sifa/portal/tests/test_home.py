import re

import pytest
from django.test import Client
from django.urls import reverse

from sifa.cases.tests.conftest import aid, citizen  # noqa: F401
from sifa.legal_aid.services import roster_add

pytestmark = pytest.mark.django_db

SERVICES = ["法律咨询", "法律援助", "农民工欠薪求助", "人民调解", "公证服务", "司法鉴定", "仲裁", "行政复议"]


def test_home_is_the_chinese_portal(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "智慧司法 · 公共法律服务" in html
    assert 'href="tel:12348"' in html
    for service in SERVICES:
        assert f">{service}</h3>" in html
    # Every service card links to its application (#3, #4); only the 普法 panel is still to come.
    assert '<a class="btn" href="/legal-aid/apply/">在线申请</a>' in html  # legal aid's own form (A13)
    assert '<a class="btn" href="/services/consultation/apply/">在线申请</a>' in html  # the generic form
    assert 'href="/legal-aid/centres/"' in html
    assert 'href="/wage-arrears/"' in html
    assert html.count(">在线申请</a>") == len(SERVICES) - 1  # the wage-arrears card has its own button
    assert html.count('<span class="badge badge-soon">即将上线</span>') == 1


def test_home_has_landmarks_skip_link_and_navigation(client: Client) -> None:
    html = client.get(reverse("portal:home")).content.decode()

    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main" tabindex="-1">' in html
    assert '<nav class="portal-nav" aria-label="主导航">' in html
    assert "<footer" in html
    nav = html[html.index('<nav class="portal-nav"') : html.index("</nav>")]
    labels = re.findall(r"<a [^>]*>([^<]+)</a>", nav)
    assert labels == ["首页", "办事服务", "法律援助", "人民调解", "公证", "普法", "登录"]
    assert '<a href="/" aria-current="page">首页</a>' in nav


def test_home_offers_citizen_and_staff_login_to_anonymous_visitors(client: Client) -> None:
    html = client.get("/").content.decode()

    assert 'href="/accounts/citizen-login/"' in html
    assert 'href="/accounts/login/"' in html
    assert 'action="/accounts/logout/"' not in html


def test_home_is_served_under_a_strict_csp(client: Client) -> None:
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    html = response.content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "inline <script> would be blocked by the CSP"
    assert " style=" not in html, "inline style attributes would be blocked by the CSP"


def test_home_sends_the_csrf_token_with_htmx_requests(client: Client) -> None:
    response = client.get("/")

    html = response.content.decode()
    match = re.search(r"""<body hx-headers='\{"X-CSRFToken": "([A-Za-z0-9]+)"\}'>""", html)
    assert match is not None
    assert len(match.group(1)) == 64
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html


def test_staff_user_sees_workbench_link_and_logout_on_the_portal(make_staff, verified_client_for) -> None:
    user = make_staff(username="clerk", full_name="李四")
    client = verified_client_for(user)

    html = client.get("/").content.decode()

    assert 'href="/workbench/"' in html
    assert '<form class="inline-form" method="post" action="/accounts/logout/">' in html
    assert "您已登录：李四。" in html
    assert 'href="/accounts/login/"' not in html


def test_unknown_page_gets_the_chinese_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "404 · 页面不存在" in html
    assert '<html lang="zh-Hans">' in html


def test_page_language_stays_simplified_chinese_for_an_english_browser(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="zh-Hans">' in html
    assert "智慧司法 · 公共法律服务" in html


def test_the_legal_aid_card_leads_a_citizen_to_the_choice_of_lawyer(aid, citizen) -> None:  # noqa: F811
    roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=aid["lawyers"][0].pk, practising_since=2012)
    client = Client()
    client.force_login(citizen, backend="sifa.accounts.backends.SmsCodeBackend")
    home = client.get("/").content.decode()
    card = home[home.index('id="service-legal-aid"') :]
    href = re.search(r'<a class="btn" href="([^"]+)">在线申请</a>', card).group(1)
    catalogue = client.get("/services/").content.decode()
    item = catalogue[catalogue.index('id="service-item-legal_aid"') :]
    assert re.search(r'<a class="btn" href="([^"]+)">在线申请', item).group(1) == href == "/legal-aid/apply/"

    form = client.get(href).content.decode()
    assert "自选律师（可不选）" in form
    assert 'hx-get="/legal-aid/apply/lawyers/"' in form
    # Choosing the place (the no-script button) lists the roster of the centre that will handle it.
    listed = client.post(href, {"division": "370102", "show_lawyers": "1"}).content.decode()
    assert 'id="lawyer-list"' in listed
    assert "刘律师" in listed
    # A bookmark of the old generic form lands on the same page.
    assert client.get("/services/legal_aid/apply/")["Location"] == href
