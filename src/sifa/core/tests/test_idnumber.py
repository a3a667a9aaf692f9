"""GB 11643 resident ID numbers (platform foundation, #2)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sifa.core import idnumber
from sifa.core.errors import ErrorCode, SifaError

VALID = "11010519491231002X"  # the standard's own example


def test_valid_number_parses_with_birth_date_and_gender():
    parsed = idnumber.parse(VALID)
    assert parsed.value == VALID
    assert parsed.region_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.gender == "F"


def test_lower_case_x_full_width_digits_and_spaces_are_normalised():
    assert idnumber.parse("１１０１０５ 1949 1231 002x").value == VALID


def test_fifteen_digit_legacy_number_is_converted_to_eighteen():
    # 15-digit form: region + YYMMDD + sequence; the century 19 and a check character are added.
    assert idnumber.parse("110105491231002").value == VALID


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "checksum"),
        ("11010519491331002X", "birth_date"),
        ("1101051949123100", "format"),
        ("11010519491231002Y", "format"),
        ("", "format"),
    ],
)
def test_invalid_numbers_are_refused_with_the_reason(raw, reason):
    with pytest.raises(SifaError) as exc:
        idnumber.parse(raw)
    assert exc.value.code == ErrorCode.INVALID_ID_NUMBER
    assert exc.value.details == {"reason": reason}


@given(st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_typo_breaks_the_checksum(position, delta):
    chars = list(VALID)
    chars[position] = str((int(chars[position]) + delta) % 10)
    typo = "".join(chars)
    assert idnumber.check_char(typo[:17]) != typo[17]


def test_mask_keeps_first_and_last_four():
    assert idnumber.mask("37010219900101123X") == "3701**********123X"
