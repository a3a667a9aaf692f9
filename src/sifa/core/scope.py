"""Data scope, enforced in one place: a staff user sees rows whose division code starts with the
division prefix of their organisation. Everything else (other regions, citizens, anonymous) sees
nothing through these querysets; "missing" and "forbidden" both answer 404 upstream."""

from typing import Any, TypeVar

from django.db import models

Q = TypeVar("Q", bound=models.QuerySet[Any])


def within_scope(
    queryset: Q, user: Any, *, division_field: str = "division__code", roles: frozenset[str] | None = None
) -> Q:
    """Filter `queryset` to the user's division subtree; `roles` (if given) must intersect the user's."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "kind", None) != "staff":
        return queryset.none()
    prefix = user.scope_prefix
    if not prefix or (roles is not None and not user.has_role(*roles)):
        return queryset.none()
    return queryset.filter(**{f"{division_field}__startswith": prefix})
