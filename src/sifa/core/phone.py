"""Mainland mobile and landline numbers: normalise, validate, mask."""

import re

from sifa.core.errors import ErrorCode, SifaError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


def normalise(raw: str) -> str:
    value = "".join(raw.translate(_FULLWIDTH).split()).replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def parse(raw: str) -> str:
    value = normalise(raw)
    if not (_MOBILE.match(value) or _LANDLINE.match(value)):
        raise SifaError(ErrorCode.INVALID_PHONE)
    return value


def parse_mobile(raw: str) -> str:
    value = normalise(raw)
    if not _MOBILE.match(value):
        raise SifaError(ErrorCode.INVALID_PHONE)
    return value


def mask(value: str) -> str:
    """`13812345678` -> `138****5678`."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
