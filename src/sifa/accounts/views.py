from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from sifa.accounts.forms import CitizenLoginForm, SmsCodeRequestForm, StaffLoginForm
from sifa.accounts.services import citizen_login_audit, sms_code_request, staff_authenticate, staff_login_audit
from sifa.core.errors import SifaError

LOGIN_FAILED = gettext_lazy("用户名、密码或动态口令错误，或账号已被锁定。")
CITIZEN_LOGIN_FAILED = gettext_lazy("验证码错误或已过期，请重新获取。")


def lockout_response(
    request: HttpRequest, credentials: dict | None = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Locked accounts see exactly the failed-login page, so a lockout reveals nothing."""
    form = StaffLoginForm(initial={"username": (credentials or {}).get("username", "")})
    return render(request, "accounts/login.html", {"form": form, "error": LOGIN_FAILED})


def staff_login(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = staff_authenticate(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            otp_token=form.cleaned_data["otp_token"],
        )
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, user.otp_device)  # type: ignore[attr-defined]
            staff_login_audit(user=user)
            return redirect("workbench:home")
        error = LOGIN_FAILED
    return render(request, "accounts/login.html", {"form": form, "error": error})


def citizen_login(request: HttpRequest) -> HttpResponse:
    form = CitizenLoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth import authenticate

        user = authenticate(request, phone=form.cleaned_data["phone"], sms_code=form.cleaned_data["sms_code"])
        if user is not None:
            login(request, user, backend="sifa.accounts.backends.SmsCodeBackend")
            citizen_login_audit(user=user)
            return redirect("portal:home")
        error = CITIZEN_LOGIN_FAILED
    return render(request, "accounts/citizen_login.html", {"form": form, "error": error})


@require_POST
def sms_code(request: HttpRequest) -> HttpResponse:
    """htmx endpoint: send a login code; answers with a status fragment."""
    form = SmsCodeRequestForm(request.POST)
    ok, text = False, _("请输入有效的手机号码。")
    if form.is_valid():
        try:
            sms_code_request(mobile=form.cleaned_data["phone"])
            ok, text = True, _("验证码已发送，5 分钟内有效。")
        except SifaError as exc:
            text = exc.message
    return render(request, "accounts/_sms_status.html", {"ok": ok, "text": text})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("portal:home")
