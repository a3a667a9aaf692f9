from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOGIN_FAILED = _("用户名、密码或动态口令错误，或账号已被锁定。")


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args: object, **kwargs: object) -> HttpResponse:
    """Locked accounts see exactly the failed-login page, so a lockout reveals nothing."""
    from sifa.accounts.forms import StaffLoginForm

    form = StaffLoginForm(request.POST or None)
    form.errors.clear()
    return render(request, "accounts/login.html", {"form": form, "error": LOGIN_FAILED}, status=200)
