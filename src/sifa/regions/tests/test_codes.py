"""Division codes as people type them, and the hierarchy a code spells."""

import pytest

from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import DivisionLevel
from sifa.regions.codes import code_ancestors, code_clean, code_level, code_parent


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("370102", "370102"),
        (" 370102 ", "370102"),
        ("370 102", "370102"),
        ("３７０１０２", "370102"),  # full-width digits
        ("\u3000３７０１０２001\t", "370102001"),  # ideographic space
        ("370102001001", "370102001001"),
        ("370102000000", "370102"),  # the 12-digit statistical form
        ("370102001000", "370102001"),
        ("370000000000", "370000"),
        ("370102000", "370102"),
    ],
)
def test_clean_accepts_what_people_type(raw, clean):
    assert code_clean(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["", "   ", None, 370102, "37", "3701", "37010", "3701021", "3701020011", "37010200100", "1234567890123",
     "37010a", "370-102", "３７０１０２ｘ", "٣٧٠١٠٢", "000000", "370012", "+370102"],
)  # fmt: skip
def test_clean_refuses_malformed_codes(raw):
    with pytest.raises(SifaError) as caught:
        code_clean(raw)
    assert caught.value.code == ErrorCode.INVALID_DIVISION
    assert caught.value.details == {"code": raw if isinstance(raw, str) else "", "reason": "malformed"}


def test_clean_echoes_at_most_32_characters():
    with pytest.raises(SifaError) as caught:
        code_clean("9" * 100)
    assert caught.value.details == {"code": "9" * 32, "reason": "malformed"}


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("370000", DivisionLevel.PROVINCE, None),
        ("370100", DivisionLevel.CITY, "370000"),
        ("110100", DivisionLevel.CITY, "110000"),
        ("429000", DivisionLevel.CITY, "420000"),
        ("370102", DivisionLevel.COUNTY, "370100"),
        ("429004", DivisionLevel.COUNTY, "429000"),
        ("370102001", DivisionLevel.TOWNSHIP, "370102"),
        ("441900003", DivisionLevel.TOWNSHIP, "441900"),
        ("370102001002", DivisionLevel.VILLAGE, "370102001"),
    ],
)
def test_level_and_parent_read_off_the_code(code, level, parent):
    assert code_level(code) == level
    assert code_parent(code) == parent


def test_ancestors_province_first():
    assert code_ancestors("370102001002") == ["370000", "370100", "370102", "370102001"]
    assert code_ancestors("370100") == ["370000"]
    assert code_ancestors("370000") == []
