"""Public read API for administrative divisions (no login needed: the list is public data)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sifa.core.api import BoundedPagination
from sifa.regions.models import Division, Organisation
from sifa.regions.selectors import (
    SEARCH_LIMIT_MAX,
    division_children,
    division_full_name,
    division_get,
    division_paths,
    division_roots,
    division_search,
    organisation_get,
    organisation_list,
)

router = Router(tags=["regions"])


class DivisionOut(Schema):
    code: str = Field(description="区划代码：省/市/县 6 位，乡 9 位，村 12 位")
    name: str
    level: int = Field(description="1 省级 2 地级 3 县级 4 乡级 5 村级")
    level_name: str
    parent_code: str | None
    prefix: str = Field(description="下级区划代码共有的前缀")
    full_name: str = Field(description="含上级的全称，如 山东省济南市历下区")


class DivisionDetailOut(DivisionOut):
    path: list[DivisionOut] = Field(description="上级区划，省级在前，不含本级")


class DivisionQuery(Schema):
    q: str | None = Field(None, max_length=64, description="名称（简体或繁体）或代码前缀；不填则列出省级区划")
    within: str | None = Field(None, max_length=32, description="只在此区划之内查找")
    limit: int = Field(20, ge=1, le=SEARCH_LIMIT_MAX)


def _out(division: Division, path: list[Division]) -> DivisionOut:
    return DivisionOut(
        code=division.code,
        name=division.name,
        level=division.level,
        level_name=str(division.get_level_display()),
        parent_code=division.parent_id,
        prefix=division.prefix,
        full_name=division_full_name(division, path),
    )


def _many(divisions: list[Division]) -> list[DivisionOut]:
    paths = division_paths(divisions)
    return [_out(d, paths[d.code]) for d in divisions]


@router.get("/divisions", response=list[DivisionOut], auth=None, summary="查找行政区划")
def divisions_list(request: HttpRequest, query: Query[DivisionQuery]) -> list[DivisionOut]:
    if query.q is None or not query.q.strip():
        return _many(list(division_roots()))
    return _many(division_search(query.q, within=query.within, limit=query.limit))


@router.get("/divisions/{code}", response=DivisionDetailOut, auth=None, summary="行政区划详情（含上级）")
def division_detail(request: HttpRequest, code: str) -> DivisionDetailOut:
    division = division_get(code)
    path = division_paths([division])[division.code]
    # An ancestor's own ancestors are the ones before it on the path.
    return DivisionDetailOut(**_out(division, path).model_dump(), path=[_out(d, path[:i]) for i, d in enumerate(path)])


@router.get("/divisions/{code}/children", response=list[DivisionOut], auth=None, summary="下级行政区划")
def division_children_list(request: HttpRequest, code: str) -> list[DivisionOut]:
    return _many(list(division_children(code)))


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str
    division_code: str
    division_name: str
    address: str
    public_phone: str

    @staticmethod
    def resolve_kind_name(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_division_code(obj: Organisation) -> str:
        return obj.division_id

    @staticmethod
    def resolve_division_name(obj: Organisation) -> str:
        return obj.division.name


@router.get("/organisations", response=list[OrganisationOut], summary="本辖区机构")
@paginate(BoundedPagination)
def organisations_list(request: HttpRequest, q: str = "", kind: str = "") -> QuerySet[Organisation]:
    return organisation_list(user=request.user, q=q, kind=kind)


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="机构详情")
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return organisation_get(user=request.user, organisation_id=organisation_id)
