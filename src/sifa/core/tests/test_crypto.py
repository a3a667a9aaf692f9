"""Field encryption and keyed lookup hashes (#2)."""

import pytest
from cryptography.exceptions import InvalidTag

from sifa.core import crypto, phone, text


def test_ciphertext_is_random_and_round_trips():
    a = crypto.encrypt("37010219900101123X", context="x.Y.z")
    b = crypto.encrypt("37010219900101123X", context="x.Y.z")
    assert a != b
    assert "37010219900101123X" not in a
    assert crypto.decrypt(a, context="x.Y.z") == "37010219900101123X"


def test_ciphertext_cannot_be_moved_to_another_column():
    token = crypto.encrypt("13800000000", context="a.B.phone")
    with pytest.raises(InvalidTag):
        crypto.decrypt(token, context="a.B.id_number")


def test_lookup_hash_is_stable_keyed_and_context_bound():
    h = crypto.lookup_hash("13800000000", context="a.B.phone")
    assert h == crypto.lookup_hash("13800000000", context="a.B.phone")
    assert h != crypto.lookup_hash("13800000000", context="a.B.other")
    assert "13800000000" not in h


def test_phone_normalise_and_mask():
    assert phone.parse("+86 138-0000-1234") == "13800001234"
    assert phone.mask("13800001234") == "138****1234"


def test_traditional_and_full_width_input_is_normalised():
    assert text.normalise("張　三豐") == "张 三丰"
    assert text.pinyin_key("張三") == "zhangsan"
    assert text.initials_key("李秀英") == "lxy"
