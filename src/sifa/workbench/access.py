"""Access decorators for staff pages: every workbench view (in any app) starts with one of these."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User

View = Callable[..., HttpResponse]


def is_verified_staff(user: Any) -> bool:
    """A signed-in staff account whose session passed the second factor (django-otp)."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.kind == AccountKind.STAFF
        and bool(getattr(user, "is_verified", lambda: False)())
    )


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; citizens (and unverified sessions) get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_verified_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def roles_required(*roles: str) -> Callable[[View], View]:
    """Like `staff_required`, and the user must also hold at least one of `roles` (else 403)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if isinstance(user, User) and not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_required(wrapped)

    return decorator
