import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.workbench.access import roles_required, staff_required
from sifa.workbench.navigation import NavEntry, nav_for

pytestmark = pytest.mark.django_db


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def request_as(rf: RequestFactory, user: object, *, verified: bool) -> HttpRequest:
    request = rf.get("/workbench/x/")
    request.session = SessionStore()
    request.user = user  # type: ignore[assignment]
    if not isinstance(user, AnonymousUser):
        user.is_verified = lambda: verified  # type: ignore[attr-defined]
    return request


def test_staff_required_redirects_anonymous_to_login(rf: RequestFactory) -> None:
    response = staff_required(ok)(request_as(rf, AnonymousUser(), verified=False))

    assert response.status_code == 302
    assert "next=/workbench/x/" in response["Location"]


def test_staff_required_refuses_unverified_staff_and_citizens(rf: RequestFactory, make_staff) -> None:
    staff = make_staff()
    citizen = User.objects.create(username="c_1", kind=AccountKind.CITIZEN)

    with pytest.raises(PermissionDenied):
        staff_required(ok)(request_as(rf, staff, verified=False))
    with pytest.raises(PermissionDenied):
        staff_required(ok)(request_as(rf, citizen, verified=True))


def test_roles_required_needs_one_of_the_roles(rf: RequestFactory, make_staff) -> None:
    clerk = make_staff(username="clerk", roles=[Role.BUREAU_STAFF])
    auditor = make_staff(username="auditor", roles=[Role.AUDITOR])
    view = roles_required(Role.AUDITOR, Role.SUPERVISOR)(ok)

    assert view(request_as(rf, auditor, verified=True)).status_code == 200
    with pytest.raises(PermissionDenied):
        view(request_as(rf, clerk, verified=True))


def test_nav_for_marks_the_current_entry() -> None:
    links = nav_for({Role.MEDIATOR}, "/people/42/")
    current = [(str(link.label), link.path) for link in links if link.current]
    assert current == [("人员档案", "/people/")]
    labels = [str(link.label) for link in links]
    assert {"工作台首页", "我的待办", "站内通知", "人员档案", "机构", "文书"} <= set(labels)
    assert not {"审计", "核查预警", "辖区案件"} & set(labels)  # other roles' pages


def test_nav_for_filters_by_role_and_leaves_out_pages_that_do_not_exist() -> None:
    entries = [
        NavEntry("首页", "/workbench/", exact=True),
        NavEntry("审计", "/workbench/", frozenset({Role.AUDITOR})),
        NavEntry("未上线", "/no-such-page-yet/"),
    ]

    assert [str(link.label) for link in nav_for({Role.AUDITOR}, "/", entries)] == ["首页", "审计"]
    assert [str(link.label) for link in nav_for({Role.MEDIATOR}, "/", entries)] == ["首页"]


def test_the_sidebar_lists_its_entries_in_groups() -> None:
    from sifa.workbench.navigation import GROUP_ORDER

    links = nav_for({Role.BUREAU_STAFF, Role.SUPERVISOR}, "/cases/")
    groups = [str(link.group) for link in links]
    assert groups[0] == ""  # the home entry heads the menu
    order = [str(g) for g in GROUP_ORDER]
    assert [order.index(g) for g in groups] == sorted(order.index(g) for g in groups)  # contiguous, in order
    assert {"办件", "公共法律服务", "监督与风险", "档案与系统"} <= set(groups)
