"""Resident identity numbers (GB 11643-1999): normalisation, checksum, 15-to-18 conversion."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sifa.core.errors import ErrorCode, SifaError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces and hyphens, fold full-width digits and lower-case x."""
    return "".join(raw.translate(_FULLWIDTH).split()).replace("-", "").upper()


@dataclass(frozen=True)
class IdNumber:
    value: str

    @property
    def region_code(self) -> str:
        return self.value[:6]

    @property
    def birth_date(self) -> date:
        v = self.value
        return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    @property
    def gender(self) -> str:
        return "M" if int(self.value[16]) % 2 else "F"


def _birth_date_or_none(digits8: str) -> date | None:
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return born if date(1900, 1, 1) <= born <= today else None


def parse(raw: str) -> IdNumber:
    """Validate and return the 18-character form; 15-digit legacy numbers are converted.

    Raises SifaError(INVALID_ID_NUMBER) with the reason in `details`.
    """
    value = normalise(raw)
    if len(value) == 15 and value.isdigit():
        first17 = value[:6] + "19" + value[6:]
        value = first17 + check_char(first17)
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise SifaError(ErrorCode.INVALID_ID_NUMBER, details={"reason": "format"})
    if _birth_date_or_none(value[6:14]) is None:
        raise SifaError(ErrorCode.INVALID_ID_NUMBER, details={"reason": "birth_date"})
    if check_char(value[:17]) != value[17]:
        raise SifaError(ErrorCode.INVALID_ID_NUMBER, details={"reason": "checksum"})
    return IdNumber(value)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except SifaError:
        return False
    return True


def mask(value: str) -> str:
    """`370102199001011234` -> `3701**********234`-style: keep the first 4 and last 4."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
