"""The shipped divisions file: complete at province/city/county level, demo counties down to villages.

Counts are checked against the Ministry of Civil Affairs' 2024 statistical communiqué (end of 2024),
by reading the names, not the labels the source package gave them.
"""

import collections

import pytest

from sifa.regions.codes import PLACEHOLDER_NAMES
from sifa.regions.services import DIVISIONS_FILE, division_rows_read

ROWS = division_rows_read()
BY_CODE = {r.code: r for r in ROWS}
CHILDREN = collections.defaultdict(list)
for _row in ROWS:
    CHILDREN[_row.parent_code].append(_row)

PROVINCES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省", "150000": "内蒙古自治区",
    "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省", "310000": "上海市", "320000": "江苏省",
    "330000": "浙江省", "340000": "安徽省", "350000": "福建省", "360000": "江西省", "370000": "山东省",
    "410000": "河南省", "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省", "530000": "云南省",
    "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省", "630000": "青海省", "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区", "710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区",
}  # fmt: skip


def county_kind(row):
    if row.code == "429021":  # 神农架林区; 万柏林区, 碑林区 … are ordinary districts
        return "林区"
    for suffix, kind in [("自治旗", "自治旗"), ("旗", "旗"), ("自治县", "自治县"), ("特区", "特区"), ("县", "县")]:
        if row.name.endswith(suffix):
            return kind
    return {"市": "县级市", "区": "市辖区"}[row.name[-1]]


def test_file_is_small_gzip_csv():
    assert DIVISIONS_FILE.name == "divisions.csv.gz"
    assert DIVISIONS_FILE.read_bytes()[:2] == b"\x1f\x8b"
    assert DIVISIONS_FILE.stat().st_size < 200_000


def test_counts_per_level():
    assert collections.Counter(r.level for r in ROWS) == {1: 34, 2: 342, 3: 2846, 4: 48, 5: 598}


def test_all_34_provincial_units_with_taiwan_hong_kong_macao_as_leaves():
    assert {r.code: r.name for r in ROWS if r.level == 1} == PROVINCES
    assert CHILDREN["710000"] == []
    assert CHILDREN["810000"] == []
    assert CHILDREN["820000"] == []


def test_prefecture_level_units_match_the_2024_count():
    cities = [r for r in ROWS if r.level == 2 and r.name not in PLACEHOLDER_NAMES]
    kinds = collections.Counter(next(k for k in ("自治州", "地区", "盟", "市") if r.name.endswith(k)) for r in cities)
    assert kinds == {"市": 293, "地区": 7, "自治州": 30, "盟": 3}


def test_county_level_units_match_the_2024_count_kind_by_kind():
    kinds = collections.Counter(county_kind(r) for r in ROWS if r.level == 3)
    assert kinds == {
        "市辖区": 977, "县级市": 397, "县": 1301, "自治县": 117, "旗": 49, "自治旗": 3, "特区": 1, "林区": 1,
    }  # fmt: skip
    assert sum(kinds.values()) == 2846


def test_placeholder_city_rows_hold_municipal_and_directly_governed_counties():
    placeholders = {r.code: r.name for r in ROWS if r.name in PLACEHOLDER_NAMES}
    assert placeholders == {
        "110100": "市辖区", "120100": "市辖区", "310100": "市辖区", "500100": "市辖区", "500200": "县",
        "419000": "省直辖县级行政区划", "429000": "省直辖县级行政区划", "469000": "省直辖县级行政区划",
        "659000": "自治区直辖县级行政区划",
    }  # fmt: skip
    assert [r.code for r in CHILDREN["110000"]] == ["110100"]
    assert len(CHILDREN["110100"]) == 16
    assert len(CHILDREN["500100"]) + len(CHILDREN["500200"]) == 38
    assert [(r.code, r.name) for r in CHILDREN["429000"]] == [
        ("429004", "仙桃市"), ("429005", "潜江市"), ("429006", "天门市"), ("429021", "神农架林区"),
    ]  # fmt: skip
    assert [(r.code, r.name) for r in CHILDREN["419000"]] == [("419001", "济源市")]


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("653228", "和康县", "653200"),  # set up Dec 2024
        ("653229", "和安县", "653200"),
        ("500105", "江北区", "500100"),
        ("500112", "渝北区", "500100"),
        ("460302", "西沙区", "460300"),
        ("460303", "南沙区", "460300"),
        ("441900", "东莞市", "440000"),
    ],
)
def test_known_divisions(code, name, parent):
    assert (BY_CODE[code].name, BY_CODE[code].parent_code) == (name, parent)


@pytest.mark.parametrize("code", ["500157", "370176", "232761", "460321", "133100", "320576"])
def test_statistical_and_map_only_codes_are_left_out(code):
    assert code not in BY_CODE


def test_cities_without_counties_have_no_children():
    assert [len(CHILDREN[c]) for c in ("441900", "442000", "460400", "620200")] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("county", "name", "townships", "villages"),
    [
        ("370102", "历下区", 13, 139),
        ("370103", "市中区", 17, 216),
        ("522701", "都匀市", 10, 156),
        ("522702", "福泉市", 8, 87),
    ],
)
def test_demo_counties_have_townships_and_villages(county, name, townships, villages):
    assert BY_CODE[county].name == name
    county_townships = CHILDREN[county]
    assert len(county_townships) == townships
    assert all(t.level == 4 and t.code.startswith(county) and len(t.code) == 9 for t in county_townships)
    county_villages = [v for t in county_townships for v in CHILDREN[t.code]]
    assert len(county_villages) == villages
    assert all(v.level == 5 and v.code[:9] == v.parent_code for v in county_villages)
    assert len([r for r in ROWS if r.code.startswith(county)]) == 1 + townships + villages


def test_demo_township_and_village_names():
    assert BY_CODE["370102001"].name == "解放路街道"
    assert BY_CODE["370102001002"].name == "解放桥社区居民委员会"
    assert BY_CODE["370102001002"].parent_code == "370102001"


def test_townships_and_villages_only_for_demo_counties():
    assert {r.code[:6] for r in ROWS if r.level >= 4} == {"370102", "370103", "522701", "522702"}


def test_every_parent_is_in_the_file_one_level_up():
    for row in ROWS:
        if row.level == 1:
            assert row.parent_code is None
        else:
            assert BY_CODE[row.parent_code].level == row.level - 1
