"""Division reads: validation at the edge, children, ancestors, search."""

import pytest

from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.models import Division
from sifa.regions.selectors import (
    division_children,
    division_full_name,
    division_get,
    division_path,
    division_roots,
    division_search,
)

pytestmark = pytest.mark.django_db


def codes(divisions):
    return [d.code for d in divisions]


@pytest.mark.parametrize("raw", ["370102", " 370102", "３７０１０２", "370 102", "370102000000"])
def test_get_accepts_typed_forms(divisions, raw):
    assert division_get(raw).name == "历下区"


@pytest.mark.parametrize(
    ("raw", "details"),
    [
        ("", {"code": "", "reason": "malformed"}),
        ("3701", {"code": "3701", "reason": "malformed"}),
        ("37010x", {"code": "37010x", "reason": "malformed"}),
        ("999999", {"code": "999999", "reason": "unknown"}),
        ("３７０１９９", {"code": "370199", "reason": "unknown"}),
        ("370176", {"code": "370176", "reason": "unknown"}),  # a development zone, not a division
        ("370104001", {"code": "370104001", "reason": "unknown"}),  # township of a non-demo county
    ],
)
def test_get_refuses_bad_codes(divisions, raw, details):
    with pytest.raises(SifaError) as caught:
        division_get(raw)
    assert (caught.value.code, caught.value.details, caught.value.status) == (ErrorCode.INVALID_DIVISION, details, 422)


def test_get_on_an_empty_table_is_unknown(db):
    with pytest.raises(SifaError) as caught:
        division_get("370102")
    assert caught.value.details == {"code": "370102", "reason": "unknown"}


def test_children(divisions):
    assert codes(division_children("370102")) == [f"370102{n:03d}" for n in range(1, 14)]
    assert codes(division_children("110000")) == ["110100"]
    assert codes(division_children("500000")) == ["500100", "500200"]
    assert codes(division_children("370102001")) == [
        "370102001002", "370102001003", "370102001006", "370102001008", "370102001009",
    ]  # fmt: skip
    assert codes(division_children("370102001002")) == []
    assert codes(division_children("810000")) == []


def test_children_of_an_unknown_code(divisions):
    with pytest.raises(SifaError) as caught:
        division_children("370199")
    assert caught.value.code == ErrorCode.INVALID_DIVISION


def test_roots_are_the_34_provincial_units(divisions):
    roots = list(division_roots())
    assert len(roots) == 34
    assert (roots[0].name, roots[-1].name) == ("北京市", "澳门特别行政区")


def test_path_is_the_ancestors_province_first(divisions, django_assert_num_queries):
    with django_assert_num_queries(2):
        path = division_path("370102001002")
    assert [(d.code, d.name) for d in path] == [
        ("370000", "山东省"), ("370100", "济南市"), ("370102", "历下区"), ("370102001", "解放路街道"),
    ]  # fmt: skip
    assert codes(division_path("370000")) == []
    assert codes(division_path("110101")) == ["110000", "110100"]
    assert codes(division_path("429004")) == ["420000", "429000"]


def test_path_matches_parent_links(divisions):
    village = (
        Division.objects.get(code="522702100201")
        if Division.objects.filter(code="522702100201").exists()
        else (Division.objects.filter(level=5, code__startswith="522702").order_by("code").last())
    )
    chain = []
    node = village.parent
    while node is not None:
        chain.append(node.code)
        node = node.parent
    assert codes(division_path(village.code)) == chain[::-1]


@pytest.mark.parametrize(
    ("code", "full_name"),
    [
        ("370102001002", "山东省济南市历下区解放路街道解放桥社区居民委员会"),
        ("110101", "北京市东城区"),
        ("500229", "重庆市城口县"),
        ("429004", "湖北省仙桃市"),
        ("659001", "新疆维吾尔自治区石河子市"),
        ("522701", "贵州省黔南布依族苗族自治州都匀市"),
        ("810000", "香港特别行政区"),
    ],
)
def test_full_name_leaves_out_placeholders(divisions, code, full_name):
    assert division_full_name(division_get(code), division_path(code)) == full_name


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("历下", ["370102"]),
        ("歷下區", ["370102"]),  # Traditional
        (" 都勻 ", ["522701"]),  # Traditional, spaces
        ("福泉", ["522702"]),
        ("贵州", ["520000"]),
        ("济南市", ["370100"]),
        ("解放路街道", ["370102001"]),
        ("没有这个地方", []),
        ("", []),
        ("   ", []),
    ],
)  # fmt: skip
def test_search(divisions, q, found):
    assert codes(division_search(q)) == found


def test_search_puts_exact_names_and_higher_levels_first(divisions):
    found = division_search("市中区")
    assert codes(found) == ["370103", "370402", "511002", "511102"]
    assert codes(division_search("中区", limit=3)) == ["210115", "320506", "370103"]  # 辽中区 吴中区 市中区


def test_search_by_code_prefix(divisions):
    found = division_search("３７０１０２００", limit=12)  # full-width digits
    assert codes(found) == [f"37010200{n}" for n in range(1, 10)] + ["370102001002", "370102001003", "370102001006"]


def test_search_within_a_subtree(divisions):
    assert codes(division_search("市中区", within="370000")) == ["370103", "370402"]
    assert codes(division_search("社区", within="370102001", limit=2)) == ["370102001002", "370102001003"]
    with pytest.raises(SifaError) as caught:
        division_search("市中区", within="37")
    assert caught.value.code == ErrorCode.INVALID_DIVISION


def test_search_limit_is_clamped(divisions):
    assert len(division_search("区", limit=0)) == 1
    assert len(division_search("区", limit=1000)) == 100
