"""Public division API: /api/v1/regions/divisions…, anonymous, exact bodies."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/regions/divisions"

SHANDONG = {
    "code": "370000", "name": "山东省", "level": 1, "level_name": "省级", "parent_code": None, "prefix": "37",
    "full_name": "山东省",
}  # fmt: skip
JINAN = {
    "code": "370100", "name": "济南市", "level": 2, "level_name": "地级", "parent_code": "370000", "prefix": "3701",
    "full_name": "山东省济南市",
}  # fmt: skip
LIXIA = {
    "code": "370102", "name": "历下区", "level": 3, "level_name": "县级", "parent_code": "370100",
    "prefix": "370102", "full_name": "山东省济南市历下区",
}  # fmt: skip


def invalid(code, reason):
    return {"code": "invalid_division", "message": "行政区划代码无效。", "details": {"code": code, "reason": reason}}


def test_detail_with_path(divisions):
    response = Client().get(f"{BASE}/370102")
    assert response.status_code == 200
    assert response.json() == {**LIXIA, "path": [SHANDONG, JINAN]}


def test_detail_of_a_village(divisions):
    body = Client().get(f"{BASE}/370102001002").json()
    assert body["full_name"] == "山东省济南市历下区解放路街道解放桥社区居民委员会"
    assert (body["level"], body["level_name"], body["parent_code"]) == (5, "村级", "370102001")
    assert [p["code"] for p in body["path"]] == ["370000", "370100", "370102", "370102001"]
    assert body["path"][3]["full_name"] == "山东省济南市历下区解放路街道"


def test_detail_of_a_municipal_district(divisions):
    body = Client().get(f"{BASE}/110101").json()
    assert body["full_name"] == "北京市东城区"
    assert [(p["code"], p["name"], p["full_name"]) for p in body["path"]] == [
        ("110000", "北京市", "北京市"),
        ("110100", "市辖区", "北京市市辖区"),
    ]


def test_detail_accepts_full_width_digits(divisions):
    response = Client().get(f"{BASE}/３７０１０２")
    assert response.status_code == 200
    assert response.json()["code"] == "370102"


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("3701", invalid("3701", "malformed")),
        ("37010x", invalid("37010x", "malformed")),
        ("１２３", invalid("１２３", "malformed")),
        ("999999", invalid("999999", "unknown")),
        ("370104001", invalid("370104001", "unknown")),
    ],
)
def test_detail_of_a_bad_code(divisions, code, body):
    response = Client().get(f"{BASE}/{code}")
    assert response.status_code == 422
    assert response.json() == body


def test_children(divisions, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = Client().get(f"{BASE}/370100/children")
    assert response.status_code == 200
    body = response.json()
    assert body[0] == LIXIA
    assert [c["code"] for c in body] == [
        "370102", "370103", "370104", "370105", "370112", "370113", "370114", "370115", "370116", "370117",
        "370124", "370126",
    ]  # fmt: skip


def test_children_of_a_township_are_its_villages(divisions):
    body = Client().get(f"{BASE}/370102001/children").json()
    assert [(c["code"], c["name"], c["level"]) for c in body][:2] == [
        ("370102001002", "解放桥社区居民委员会", 5),
        ("370102001003", "历山路社区居民委员会", 5),
    ]
    assert len(body) == 5


def test_children_of_a_leaf_is_empty(divisions):
    response = Client().get(f"{BASE}/370102001002/children")
    assert (response.status_code, response.json()) == (200, [])


def test_children_of_a_bad_code(divisions):
    response = Client().get(f"{BASE}/370199/children")
    assert (response.status_code, response.json()) == (422, invalid("370199", "unknown"))


def test_list_without_q_gives_the_provinces(divisions):
    body = Client().get(BASE).json()
    assert len(body) == 34
    assert body[14] == SHANDONG


def test_search_traditional_characters(divisions):
    response = Client().get(BASE, {"q": "歷下"})
    assert (response.status_code, response.json()) == (200, [LIXIA])


def test_search_names_the_same_name_apart(divisions):
    body = Client().get(BASE, {"q": "市中区", "limit": 2}).json()
    assert [(d["code"], d["full_name"]) for d in body] == [
        ("370103", "山东省济南市市中区"),
        ("370402", "山东省枣庄市市中区"),
    ]


def test_search_within(divisions):
    body = Client().get(BASE, {"q": "街道", "within": "３７０１０２", "limit": 100}).json()
    assert [d["code"] for d in body] == [f"370102{n:03d}" for n in range(1, 14)]


def test_search_within_a_bad_code(divisions):
    response = Client().get(BASE, {"q": "街道", "within": "370199"})
    assert (response.status_code, response.json()) == (422, invalid("370199", "unknown"))


def test_search_with_a_bad_limit(divisions):
    response = Client().get(BASE, {"q": "街道", "limit": 101})
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_input",
        "message": "输入有误，请检查后重试。",
        "details": [{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 100"}],
    }


def test_search_needs_no_login_and_sets_no_session(divisions):
    response = Client().get(BASE, {"q": "福泉"})
    assert response.status_code == 200
    assert [d["full_name"] for d in response.json()] == ["贵州省黔南布依族苗族自治州福泉市"]
    assert "sessionid" not in response.cookies


def test_openapi_documents_the_endpoints(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/regions/divisions",
        "/api/v1/regions/divisions/{code}",
        "/api/v1/regions/divisions/{code}/children",
    } <= set(paths)
    assert "security" not in paths["/api/v1/regions/divisions/{code}"]["get"]
