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

    assert [(str(link.label), link.path, link.current) for link in links] == [
        ("工作台首页", "/workbench/", False),
        ("我的待办", "/cases/tasks/", False),
        ("站内通知", "/cases/notifications/", False),
        ("人员档案", "/people/", True),
        ("机构", "/regions/organisations/", False),
        ("文书", "/documents/", False),
    ]


def test_nav_for_filters_by_role_and_leaves_out_pages_that_do_not_exist() -> None:
    entries = [
        NavEntry("首页", "/workbench/", exact=True),
        NavEntry("审计", "/workbench/", frozenset({Role.AUDITOR})),
        NavEntry("未上线", "/no-such-page-yet/"),
    ]

    assert [str(link.label) for link in nav_for({Role.AUDITOR}, "/", entries)] == ["首页", "审计"]
    assert [str(link.label) for link in nav_for({Role.MEDIATOR}, "/", entries)] == ["首页"]
