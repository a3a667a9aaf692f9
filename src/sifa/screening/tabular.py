"""CSV/Excel input for screening: encoding detection (Excel saves CSV as GBK), exact headers, rows named.

Everything is read and checked before anything is used, so a bad file changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pandas as pd
from charset_normalizer import from_bytes

from sifa.core.errors import ErrorCode, SifaError

_GB_FAMILY = {"gbk", "gb2312", "gb18030", "hz", "cp936"}


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) first, else charset-normalizer's best guess.

    Chinese guesses are read as GB18030, the superset of GB2312 and GBK that Excel writes.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise SifaError(ErrorCode.INVALID_INPUT, message="无法识别文件编码，请另存为 UTF-8 CSV。", details={})
    encoding = best.encoding.lower().replace("-", "").replace("_", "")
    encoding = "gb18030" if encoding in _GB_FAMILY or encoding.startswith("gb") else best.encoding
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise SifaError(ErrorCode.INVALID_INPUT, message="无法识别文件编码，请另存为 UTF-8 CSV。", details={}) from exc


def read_csv_rows(data: bytes, *, columns: Sequence[str], what: str) -> tuple[list[dict[str, str]], str]:
    """Rows as {column: text} with row numbers checked; header must hold every column in `columns`.

    Raises INVALID_INPUT naming the missing columns or the first row whose cell count is wrong.
    """
    text, encoding = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in columns if c not in header]
    if missing:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message=f"{what}表头缺少列：{'、'.join(missing)}（应为 {','.join(columns)}）",
            details={"missing_columns": missing, "header": header},
        )
    index = [header.index(c) for c in columns]
    rows: list[dict[str, str]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise SifaError(
                ErrorCode.INVALID_INPUT,
                message=f"{what}第 {number} 行有 {len(cells)} 列，表头有 {len(header)} 列。",
                details={"row": number, "cells": len(cells), "expected": len(header)},
            )
        rows.append({c: cells[i].strip() for c, i in zip(columns, index, strict=True)})
    return rows, encoding


def read_people_csv(data: bytes, *, columns: Sequence[str], what: str) -> pd.DataFrame:
    rows, _ = read_csv_rows(data, columns=columns, what=what)
    return pd.DataFrame(rows, columns=list(columns), dtype=object)
