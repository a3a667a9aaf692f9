from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer, django_auth

from sifa.accounts.models import User
from sifa.accounts.services import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


def api_auth() -> list[Any]:
    """Machines send `Authorization: Bearer <token>`; the browser uses its session (with CSRF)."""
    return [TokenAuth(), django_auth]


router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    full_name: str
    kind: str
    roles: list[str]
    organisation: str | None
    scope_prefix: str | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "kind": user.kind,
        "roles": sorted(user.role_set),
        "organisation": user.organisation.name if user.organisation else None,
        "scope_prefix": user.scope_prefix,
    }
