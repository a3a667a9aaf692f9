"""Division reads. Each one cleans the code it is given (full-width digits, spaces) at the edge and
answers SifaError(INVALID_DIVISION) for a malformed or unknown code."""

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.core.text import normalise
from sifa.regions.choices import DivisionLevel
from sifa.regions.codes import PLACEHOLDER_NAMES, code_ancestors, code_clean
from sifa.regions.models import Division, Organisation

SEARCH_LIMIT_MAX = 100


def division_get(code: str) -> Division:
    """The division with this code (typed by a person: spaces and full-width digits are fine)."""
    clean = code_clean(code)
    division = Division.objects.filter(code=clean).first()
    if division is None:
        raise SifaError(ErrorCode.INVALID_DIVISION, details={"code": clean, "reason": "unknown"})
    return division


def division_children(code: str) -> QuerySet[Division]:
    """The divisions directly under this one, by code."""
    division = division_get(code)
    return Division.objects.filter(parent_id=division.code).order_by("code")


def division_roots() -> QuerySet[Division]:
    """The provincial-level divisions, by code."""
    return Division.objects.filter(level=DivisionLevel.PROVINCE).order_by("code")


def division_path(code: str) -> list[Division]:
    """The ancestors of this division, province first (without the division itself)."""
    division = division_get(code)
    return division_paths([division])[division.code]


def division_paths(divisions: Iterable[Division]) -> dict[str, list[Division]]:
    """Ancestors of each division, province first, in one query (the codes spell the ancestry)."""
    wanted = {d.code: code_ancestors(d.code) for d in divisions}
    codes = {c for chain in wanted.values() for c in chain}
    found = Division.objects.in_bulk(codes) if codes else {}
    return {code: [found[c] for c in chain if c in found] for code, chain in wanted.items()}


def division_full_name(division: Division, path: list[Division]) -> str:
    """The name people write: 山东省济南市历下区, 北京市东城区 (placeholder rows such as 市辖区 left out)."""
    names = [d.name for d in path if not (d.level == DivisionLevel.CITY and d.name in PLACEHOLDER_NAMES)]
    return "".join([*names, division.name])


def division_search(q: str, *, within: str | None = None, limit: int = 20) -> list[Division]:
    """Divisions whose name contains `q` (Traditional or Simplified, full- or half-width), or whose
    code starts with `q` when it is all digits; an exact name first, then higher levels, then by code.

    `within` limits the search to one division's subtree.
    """
    text = normalise(q).replace(" ", "")
    if not text:
        return []
    found = Division.objects.all()
    if within is not None:
        scope = division_get(within)
        found = found.filter(code__startswith=scope.prefix)
    by_code = re.fullmatch(r"[0-9]{1,12}", text) is not None
    found = found.filter(code__startswith=text) if by_code else found.filter(name__contains=text)
    exact = Case(When(name=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    return list(found.annotate(exact=exact).order_by("exact", "level", "code")[:limit])


def organisation_list(*, user: Any, q: str = "", kind: str = "") -> QuerySet[Organisation]:
    """Organisations inside the user's data scope, optionally by name and kind."""
    qs = within_scope(Organisation.objects.select_related("division"), user)
    if q.strip():
        qs = qs.filter(name__contains=normalise(q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def organisation_get(*, user: Any, organisation_id: int) -> Organisation:
    """404 for an organisation outside the user's scope, exactly as for a missing one."""
    return get_object_or_404(organisation_list(user=user), pk=organisation_id)
