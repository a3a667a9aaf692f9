"""Record preparation: the fields the matcher compares and the keys it blocks on.

Pure Python + pandas, no Django. Every derived column is computed once per record (names once per
distinct name), so blocking and scoring only compare ready values.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from pypinyin import Style, lazy_pinyin

from sifa.core import idnumber
from sifa.core.text import normalise as text_normalise

# Columns every prepared table has (the key column is `key`: person_id or record_id).
PREPARED_COLUMNS = [
    "key",
    "name_n",  # NFKC + Traditional->Simplified, no spaces or separators
    "name_py",  # toneless pinyin of the whole name
    "sn_py",  # pinyin of the first character (surname; special surname readings)
    "last_py",  # pinyin of the last character
    "id18",  # 18-character ID after normalisation and 15->18 conversion (typos kept), or None
    "id_ok",  # GB 11643 checksum and date verified (never for a converted 15-digit number: it has no checksum)
    "birth8",  # YYYYMMDD: the birth_date field, else the ID's birth digits when they form a date
    "gender",  # M / F / None: the field, else the ID's sequence parity
    "k_id17",
    "k_birth_sn",
    "k_birth_last",
    "k_regseq_sn",
    "k_mdseq",
    "k_regyr_sn",
    "k_nameonly",
]

_SEPARATORS = re.compile(r"[\s·•・.．\-_]+")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?\s*$")
_GENDER = {"m": "M", "男": "M", "1": "M", "male": "M", "f": "F", "女": "F", "2": "F", "female": "F"}


# pypinyin applies surname readings only in its surname mode; the common polyphonic surnames here.
_SURNAME_READINGS = {"单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "查": "zha", "朴": "piao"}


@lru_cache(maxsize=100_000)
def _char_pinyin(ch: str) -> str:
    """Reading of one character (its most common one); names are read character by character."""
    return lazy_pinyin(ch, style=Style.NORMAL)[0].lower()


def _surname_aware_pinyin(name: str) -> tuple[str, ...]:
    syllables = [_char_pinyin(ch) for ch in name]
    if name[0] in _SURNAME_READINGS:
        syllables[0] = _SURNAME_READINGS[name[0]]
    return tuple(syllables)


def _name_features(raw: str) -> tuple[str, str, str, str]:
    name = _SEPARATORS.sub("", text_normalise(raw)) if raw else ""
    if not name:
        return "", "", "", ""
    syllables = _surname_aware_pinyin(name)
    return name, "".join(syllables), syllables[0], syllables[-1]


def _plausible_date(y: int, m: int, d: int) -> bool:
    if not (1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    if m == 2:
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        return d <= (29 if leap else 28)
    return d <= (30 if m in (4, 6, 9, 11) else 31)


def birth_from_text(raw: str) -> str | None:
    """'1990-01-02', '1990/1/2', '19900102', '1990年1月2日' (full-width too) -> '19900102'."""
    if not raw:
        return None
    text = text_normalise(raw)
    match = _DATE.match(text)
    if not match:
        return None
    y, m, d = (int(g) for g in match.groups())
    return f"{y:04d}{m:02d}{d:02d}" if _plausible_date(y, m, d) else None


def id_features(raw: str) -> tuple[str | None, bool]:
    """(18-character form or None, valid). Typos are kept (valid False) so the scorer can weigh them."""
    if not raw:
        return None, False
    value = idnumber.normalise(raw)
    if not value.isascii():  # str.isdigit() accepts ² and other non-ASCII digits
        return None, False
    legacy = len(value) == 15 and value.isdigit()
    if legacy:
        first17 = value[:6] + "19" + value[6:]
        value = first17 + idnumber.check_char(first17)
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return None, False
    y, m, d = int(value[6:10]), int(value[10:12]), int(value[12:14])
    ok = not legacy and _plausible_date(y, m, d) and idnumber.check_char(value[:17]) == value[17]
    return value, ok


def gender_from_text(raw: str) -> str | None:
    return _GENDER.get(text_normalise(raw).lower()) if raw else None


def prepare(frame: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """Columns `key,name,id_number,birth_date,gender` (strings, empty = missing) -> PREPARED_COLUMNS."""
    frame = frame.fillna("")
    names = frame["name"].astype(str)
    distinct = {n: _name_features(n) for n in names.unique()}
    feats = [distinct[n] for n in names]
    out = pd.DataFrame(feats, columns=["name_n", "name_py", "sn_py", "last_py"], index=frame.index)
    out.insert(0, "key", frame[key].astype(str).str.strip())

    ids = [id_features(v) for v in frame["id_number"].astype(str)]
    id18 = [v for v, _ in ids]
    out["id18"] = pd.Series(id18, index=frame.index, dtype=object)
    out["id_ok"] = [ok for _, ok in ids]
    birth_raw = frame["birth_date"].astype(str)
    birth_map = {v: birth_from_text(v) for v in birth_raw.unique()}
    field_birth = [birth_map[v] for v in birth_raw]
    id_birth = [
        v[6:14] if v is not None and _plausible_date(int(v[6:10]), int(v[10:12]), int(v[12:14])) else None for v in id18
    ]
    births = [f if f is not None else i for f, i in zip(field_birth, id_birth, strict=True)]
    out["birth8"] = pd.Series(births, index=frame.index, dtype=object)
    gender_raw = frame["gender"].astype(str)
    gender_map = {v: gender_from_text(v) for v in gender_raw.unique()}
    field_gender = [gender_map[v] for v in gender_raw]
    genders = [
        g if g is not None else None if v is None else "M" if int(v[16]) % 2 else "F"
        for g, v in zip(field_gender, id18, strict=True)
    ]
    out["gender"] = pd.Series(genders, index=frame.index, dtype=object)
    for column in ("name_n", "name_py", "sn_py", "last_py"):
        out[column] = out[column].astype(object).where(out[column] != "", None)
    _add_keys(out)
    return out[PREPARED_COLUMNS]


def _concat(*parts: pd.Series) -> pd.Series:
    """Join key parts with '|'; None when any part is missing (a missing part never joins)."""
    result = parts[0].astype("string")
    for part in parts[1:]:
        result = result + "|" + part.astype("string")
    return result.astype(object).where(result.notna(), None)


def _add_keys(out: pd.DataFrame) -> None:
    """Blocking keys chosen so one mistyped digit or two swapped neighbours still leave a shared key.

    The ID splits into region [0:6], year [6:10], month-day [10:14], sequence [14:17], check [17].
    A one-digit typo touches one part, an adjacent swap at most two neighbouring parts; for each
    such set one key below avoids every touched part: birth (year+month-day), region+sequence,
    month-day+sequence, region+year. Name-dependent keys use pinyin so homophones still block.
    """
    id18 = out["id18"].astype("string")
    region, year = id18.str.slice(0, 6), id18.str.slice(6, 10)
    mdseq, seq = id18.str.slice(10, 17), id18.str.slice(14, 17)
    out["k_id17"] = id18.str.slice(0, 17).astype(object).where(id18.notna(), None)
    birth = out["birth8"].astype("string")
    out["k_birth_sn"] = _concat(birth, out["sn_py"])
    out["k_birth_last"] = _concat(birth, out["last_py"])
    out["k_regseq_sn"] = _concat(region, seq, out["sn_py"])
    out["k_mdseq"] = mdseq.astype(object).where(mdseq.notna(), None)
    out["k_regyr_sn"] = _concat(region, year, out["sn_py"])
    # Records with neither ID nor birth date can only meet on the name.
    bare = id18.isna() & birth.isna()
    out["k_nameonly"] = out["name_py"].where(bare, None)


def _key(*parts: str | None) -> str | None:
    return None if any(p is None for p in parts) else "|".join(parts)  # type: ignore[arg-type]


def prepare_row(*, key: str, name: str, id_number: str, birth_date: str, gender: str) -> dict[str, object]:
    """One record without pandas (the incremental check's hot path); equal to a row of `prepare`."""
    name_n, name_py, sn_py, last_py = _name_features(name or "")
    id18, ok = id_features(id_number or "")
    birth = birth_from_text(birth_date or "")
    if birth is None and id18 is not None and _plausible_date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14])):
        birth = id18[6:14]
    sex = gender_from_text(gender or "")
    if sex is None and id18 is not None:
        sex = "M" if int(id18[16]) % 2 else "F"
    npy = name_py or None
    sn, last = sn_py or None, last_py or None
    region = id18[0:6] if id18 else None
    return {
        "key": key.strip(),
        "name_n": name_n or None,
        "name_py": npy,
        "sn_py": sn,
        "last_py": last,
        "id18": id18,
        "id_ok": ok,
        "birth8": birth,
        "gender": sex,
        "k_id17": id18[:17] if id18 else None,
        "k_birth_sn": _key(birth, sn),
        "k_birth_last": _key(birth, last),
        "k_regseq_sn": _key(region, id18[14:17] if id18 else None, sn),
        "k_mdseq": id18[10:17] if id18 else None,
        "k_regyr_sn": _key(region, id18[6:10] if id18 else None, sn),
        "k_nameonly": npy if id18 is None and birth is None else None,
    }
