"""Division codes: cleaning what people type, and the hierarchy the code itself spells.

A GB/T 2260 code is `PPCCXX`: province `PP0000`, prefecture-level `PPCC00`, county-level `PPCCXX`
(`XX` never `00`). Townships add three digits (`PPCCXXTTT`, `TTT` never `000`) and villages three
more (`…VVV`, never `000`). So a code alone tells its level and its parent's code.
"""

import re
import unicodedata

from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import DivisionLevel

_DIGITS = re.compile(r"[0-9]{6}|[0-9]{9}|[0-9]{12}")

# City-level rows that exist only to give county-level units a parent (GB/T 2260 names): the
# districts and counties of the four municipalities, and county-level units a province governs directly.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def code_clean(raw: object) -> str:
    """The canonical code for what a person typed, or SifaError(INVALID_DIVISION).

    Full-width digits are folded (NFKC) and all whitespace dropped. Trailing all-zero parts of the
    12-digit statistical form are cut, so `370102000000` means `370102` and `370102001000` means
    `370102001`.
    """
    text = "".join(unicodedata.normalize("NFKC", raw).split()) if isinstance(raw, str) else ""
    if not _DIGITS.fullmatch(text):
        raise SifaError(ErrorCode.INVALID_DIVISION, details={"code": _echo(raw), "reason": "malformed"})
    if len(text) == 12 and text.endswith("000"):
        text = text[:9]
    if len(text) == 9 and text.endswith("000"):
        text = text[:6]
    if text.startswith("00") or (len(text) == 6 and text[2:4] == "00" and text[4:] != "00"):
        # No province 00; a county-level code needs a prefecture part (01-99, or 90 for 省直辖).
        raise SifaError(ErrorCode.INVALID_DIVISION, details={"code": _echo(raw), "reason": "malformed"})
    return text


def _echo(raw: object) -> str:
    return raw[:32] if isinstance(raw, str) else ""


def code_level(code: str) -> DivisionLevel:
    """The level a canonical code belongs to."""
    if len(code) == 12:
        return DivisionLevel.VILLAGE
    if len(code) == 9:
        return DivisionLevel.TOWNSHIP
    if code.endswith("0000"):
        return DivisionLevel.PROVINCE
    if code.endswith("00"):
        return DivisionLevel.CITY
    return DivisionLevel.COUNTY


def code_parent(code: str) -> str | None:
    """The parent's code, read off the code (None for a province)."""
    level = code_level(code)
    if level == DivisionLevel.PROVINCE:
        return None
    if level == DivisionLevel.CITY:
        return code[:2] + "0000"
    if level == DivisionLevel.COUNTY:
        return code[:4] + "00"
    if level == DivisionLevel.TOWNSHIP:
        return code[:6]
    return code[:9]


def code_ancestors(code: str) -> list[str]:
    """Codes of every ancestor, province first."""
    chain = []
    parent = code_parent(code)
    while parent is not None:
        chain.append(parent)
        parent = code_parent(parent)
    return chain[::-1]
