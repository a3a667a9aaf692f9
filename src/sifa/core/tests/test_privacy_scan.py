"""The response scanner behind every test finds real leaks and ignores look-alikes (#2 part 6)."""

from conftest import full_identifiers_in


def test_scanner_finds_full_id_and_mobile_numbers():
    body = "<td>11010519491231002X</td><td>13800001234</td>"
    assert full_identifiers_in(body) == ["11010519491231002X", "13800001234"]


def test_scanner_ignores_masked_values_bad_checksums_and_longer_tokens():
    body = "1101**********002X 110105194912310021 138****1234 a13800001234b 213800001234"
    assert full_identifiers_in(body) == []
