from django.test import RequestFactory

from sifa.portal import views


def test_server_error_page_renders_without_touching_the_database(rf: RequestFactory) -> None:
    request = rf.get("/")  # no user, no session: the 500 page must not need them

    response = views.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "500 · 系统繁忙，请稍后再试" in html
    assert "12348" in html


def test_forbidden_page_is_in_chinese(rf: RequestFactory) -> None:
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    response = views.forbidden(request)

    assert response.status_code == 403
    assert "403 · 无权访问" in response.content.decode()
