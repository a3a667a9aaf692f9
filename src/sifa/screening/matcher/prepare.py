"""Record preparation: the fields the matcher compares and the keys it blocks on.

Pure Python + pandas, no Django. Every derived column is computed once per record (names once per
distinct name), so blocking and scoring only compare ready values.
"""

from __future__ import annotations

import re
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from functools import lru_cache
from pathlib import Path

import numpy as np
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


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _plausible_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Vectorised `_plausible_date`."""
    ok = (y >= 1900) & (y <= 2100) & (m >= 1) & (m <= 12) & (d >= 1)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    limit = _DAYS[np.clip(m, 0, 12)] - ((m == 2) & ~leap)
    return ok & (d <= limit)


def id_features_many(values: pd.Series) -> tuple[list[str | None], list[bool]]:
    """`id_features` over a column: clean 18-character IDs vectorised (the bulk), the rest one by one."""
    raw = values.astype(object).where(values.notna(), "").astype(str)
    clean = raw.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
    id18: list[str | None] = [None] * len(raw)
    ok = np.zeros(len(raw), dtype=bool)
    if clean.any():
        fast = raw[clean].tolist()
        mat = np.frombuffer("".join(fast).encode("ascii"), dtype=np.uint8).reshape(-1, 18).astype(np.int64)
        digits = mat[:, :17] - 48
        check = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11]
        y = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
        m = digits[:, 10:12] @ np.array([10, 1])
        d = digits[:, 12:14] @ np.array([10, 1])
        ok[clean] = _plausible_dates(y, m, d) & (check == mat[:, 17])
        for i, v in zip(np.nonzero(clean)[0].tolist(), fast, strict=True):
            id18[i] = v
    for i in np.nonzero(~clean)[0].tolist():
        id18[i], ok[i] = id_features(raw.iat[i])
    return id18, ok.tolist()


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

    id18, id_ok = id_features_many(frame["id_number"])
    out["id18"] = pd.Series(id18, index=frame.index, dtype=object)
    out["id_ok"] = id_ok
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


# ---------------------------------------------------------------------------------------------
# Streaming: Parquet in, prepared Parquet parts out, one chunk at a time (bounded memory).


def _prepare_chunk(batch: object, key: str, offset: int, out: str) -> int:
    """One chunk (a pyarrow RecordBatch) -> a prepared Parquet part; returns its rows. Runs in a worker."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pa.Table.from_batches([batch]).to_pandas()
    blank = frame[key].fillna("").astype(str).str.strip() == ""
    if blank.any():
        return -(offset + int(np.nonzero(blank.to_numpy())[0][0])) - 1  # the caller names the row
    prepared = prepare(frame, key=key)
    prepared["pos"] = np.arange(offset, offset + len(prepared), dtype=np.int64)
    table = pa.Table.from_pandas(prepared, schema=prepared_schema(), preserve_index=False)
    pq.write_table(table, out, compression="zstd")
    return len(prepared)


def preparation_pool(workers: int) -> Executor:
    """Worker processes for `prepare_parquet` (spawned: no state inherited from the caller)."""
    import multiprocessing

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def prepared_schema() -> object:
    """Arrow schema of a prepared part: the prepared columns (strings, `id_ok` boolean) and `pos`."""
    import pyarrow as pa

    fields = [pa.field(c, pa.bool_() if c == "id_ok" else pa.string()) for c in PREPARED_COLUMNS]
    return pa.schema([*fields, pa.field("pos", pa.int64())])


def prepare_parquet(
    source: str | Path,
    out_dir: str | Path,
    *,
    key: str,
    columns: list[str],
    what: str = "",
    chunk_rows: int = 500_000,
    pool: Executor | None = None,
    in_flight: int = 2,
) -> tuple[list[Path], int]:
    """Prepare a Parquet file chunk by chunk into `out_dir/part-NNNNN.parquet` (with `pos`, the row's
    position in `source`). Returns (parts, rows). Each chunk is exactly `prepare` of its rows, so the
    parts equal `prepare` of the whole file. With `pool` (see `preparation_pool`) chunks are prepared
    in its processes, at most `in_flight` queued or running at once (memory stays bounded).

    Raises SifaError naming the row (1-based, after a header line, as in a CSV) of the first blank key.
    """
    import pyarrow.parquet as pq

    from sifa.core.errors import ErrorCode, SifaError

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    file = pq.ParquetFile(source)
    missing = [c for c in columns if c not in file.schema_arrow.names]
    if missing:
        raise SifaError(
            ErrorCode.INVALID_INPUT, message=f"{what}缺少列：{', '.join(missing)}", details={"missing": missing}
        )
    batches = file.iter_batches(batch_size=chunk_rows, columns=columns)
    parts: list[Path] = []
    results: list[int] = []
    offset = 0
    if pool is None:
        for n, batch in enumerate(batches):
            parts.append(out / f"part-{n:05d}.parquet")
            results.append(_prepare_chunk(batch, key, offset, str(parts[-1])))
            offset += batch.num_rows
    else:
        pending: list[Future[int]] = []
        for n, batch in enumerate(batches):
            parts.append(out / f"part-{n:05d}.parquet")
            pending.append(pool.submit(_prepare_chunk, batch, key, offset, str(parts[-1])))
            offset += batch.num_rows
            while sum(not f.done() for f in pending) > in_flight:  # back-pressure: bounded chunks in memory
                wait([f for f in pending if not f.done()], return_when=FIRST_COMPLETED)
        results = [f.result() for f in pending]
    bad = [-r - 1 for r in results if r < 0]
    if bad:
        row = min(bad) + 2
        raise SifaError(ErrorCode.INVALID_INPUT, message=f"{what}第 {row} 行缺少 {key}", details={"row": row})
    return parts, offset
