"""Chinese text: Traditional -> Simplified (OpenCC), full-width folding, pinyin keys for search."""

import unicodedata
from functools import cache

import opencc
from pypinyin import Style, lazy_pinyin


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), Traditional to Simplified, collapsed whitespace."""
    folded = unicodedata.normalize("NFKC", text)
    return " ".join(to_simplified(folded).split())


def pinyin_key(name: str) -> str:
    """Toneless pinyin with no separators: 张三 -> zhangsan (surname readings via pypinyin)."""
    return "".join(lazy_pinyin(normalise(name).replace(" ", ""), style=Style.NORMAL)).lower()


def initials_key(name: str) -> str:
    """First letters: 张三 -> zs."""
    return "".join(lazy_pinyin(normalise(name).replace(" ", ""), style=Style.FIRST_LETTER)).lower()
