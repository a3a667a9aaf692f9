from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from sifa.accounts.choices import AccountKind


class VerifiedStaffMiddleware:
    """A staff session counts only once its second factor is verified (django-otp).

    Staff log in with password and TOTP in one step, so an unverified staff session should not exist;
    if one does (e.g. created outside the login view), it is ended here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "kind", None) == AccountKind.STAFF and not user.is_verified():  # type: ignore[attr-defined]
            logout(request)
        return self.get_response(request)
