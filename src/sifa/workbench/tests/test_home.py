import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.people.models import Person

pytestmark = pytest.mark.django_db

HOME = "/workbench/"


def add_person(name: str, division_code: str) -> Person:
    return Person.objects.create(name=name, name_pinyin=name, name_initials=name[:1], division_id=division_code)


def test_workbench_home_url_name() -> None:
    assert reverse("workbench:home") == HOME


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={HOME}"


def test_citizen_is_refused(verified_client_for, db: None) -> None:
    citizen = User.objects.create(username="c_1", kind=AccountKind.CITIZEN)
    client = verified_client_for(citizen)

    response = client.get(HOME)

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_staff_session_without_second_factor_is_logged_out(make_staff, client: Client) -> None:
    client.force_login(make_staff(username="clerk"))

    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_verified_staff_sees_user_organisation_scope_roles_and_counts(make_staff, verified_client_for) -> None:
    user = make_staff(username="clerk", full_name="王五", roles=[Role.BUREAU_STAFF, Role.SUPERVISOR])
    add_person("甲", "370102")
    add_person("乙", "370102001")  # a township inside 历下区
    add_person("丙", "370103")  # another county: out of scope
    add_person("丁", "522701")  # another province: out of scope
    client = verified_client_for(user)

    response = client.get(HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert "您好，王五。" in html
    assert "<dd>历下区司法局</dd>" in html
    assert "<dd>历下区</dd>" in html
    assert '<span data-testid="scope-prefix">370102</span>' in html
    assert '<span data-testid="person-count">2</span>' in html
    assert '<span class="badge badge-ok">司法行政工作人员</span>' in html
    assert '<span class="badge badge-ok">监督人员</span>' in html
    assert '<form class="inline-form" method="post" action="/accounts/logout/">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_province_staff_counts_the_whole_province(make_staff, verified_client_for) -> None:
    user = make_staff(username="prov", division_code="370000", roles=[Role.ANALYST])
    add_person("甲", "370102")
    add_person("乙", "370103")
    add_person("丙", "522701")

    html = verified_client_for(user).get(HOME).content.decode()

    assert '<span data-testid="scope-prefix">37</span>' in html
    assert '<span data-testid="person-count">2</span>' in html


def test_sidebar_shows_entries_by_role(make_staff, verified_client_for) -> None:
    clerk = make_staff(username="clerk", roles=[Role.BUREAU_STAFF])
    auditor = make_staff(username="auditor", roles=[Role.AUDITOR])

    clerk_html = verified_client_for(clerk).get(HOME).content.decode()
    auditor_html = verified_client_for(auditor).get(HOME).content.decode()

    assert '<a href="/workbench/" aria-current="page">工作台首页</a>' in clerk_html
    assert '<a href="/people/">人员档案</a>' in clerk_html
    assert '<a href="/regions/organisations/">机构</a>' in clerk_html
    assert '<a href="/people/">人员档案</a>' not in auditor_html
    assert '<a href="/regions/organisations/">机构</a>' in auditor_html


def test_workbench_page_has_landmarks_and_csp(make_staff, verified_client_for) -> None:
    response = verified_client_for(make_staff()).get(HOME)

    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert '<nav class="sidebar" aria-label="工作台导航">' in html
    assert '<main id="main" tabindex="-1">' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " style=" not in html
    assert '<a href="/api/v1/docs">接口文档</a>' in html
