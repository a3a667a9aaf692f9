from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def home(request: HttpRequest) -> HttpResponse:
    """The public portal's front page: service catalogue, 12348 hotline, login choices."""
    from sifa.portal.hall import live_services

    return render(request, "portal/home.html", {"live": live_services()})


def _error_page(request: HttpRequest, status: int, title: str, template: str = "portal/error.html") -> HttpResponse:
    return render(request, template, {"status": status, "title": title}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400, _("请求有误"))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403, _("无权访问"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404, _("页面不存在"))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, 500, _("系统繁忙，请稍后再试"), template="portal/error_500.html")
