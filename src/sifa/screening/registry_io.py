"""Registry files (Excel .xlsx or CSV, UTF-8 or GBK) to checked rows; every error named by row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sifa.core import idnumber
from sifa.core.errors import ErrorCode, SifaError
from sifa.screening.choices import DEPARTED_REGISTRIES, DepartureType, LicenceStatus, Registry, Relation
from sifa.screening.matcher.prepare import birth_from_text
from sifa.screening.tabular import decode_text

# column title -> field
COLUMNS = {
    "姓名": "name",
    "身份证号码": "id_number",
    "出生日期": "birth_date",
    "性别": "gender",
    "原单位": "former_unit",
    "单位区划代码": "unit_division_code",
    "离任方式": "departure_type",
    "离任日期": "departure_date",
    "执业律所": "law_firm",
    "亲属关系": "relation",
    "在职亲属姓名": "relative_name",
    "执业证号": "licence_no",
    "执业状态": "licence_status",
    "停止执业起": "suspended_from",
    "停止执业止": "suspended_until",
}
REQUIRED = {
    Registry.RETIRED: ["姓名", "离任方式", "离任日期"],
    Registry.RESIGNED: ["姓名", "离任方式", "离任日期"],
    Registry.DEPARTED: ["姓名", "离任方式", "离任日期"],
    Registry.RELATIVE: ["姓名", "亲属关系", "在职亲属姓名", "原单位", "单位区划代码"],
    Registry.OFFICER: ["姓名", "原单位", "单位区划代码"],
    Registry.LAWYER: ["姓名", "执业证号", "执业状态"],
}
_DATES = ("birth_date", "departure_date", "suspended_from", "suspended_until")
_CHOICES: dict[str, Any] = {
    "departure_type": DepartureType,
    "relation": Relation,
    "licence_status": LicenceStatus,
}


@dataclass
class RowError:
    row: int
    column: str
    message: str


def _table(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise SifaError(ErrorCode.INVALID_INPUT, message="无法读取 Excel 文件。", details={}) from exc
        return [
            ["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    text, _ = decode_text(data)
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""))]


def _choice(value: str, choices: Any) -> str | None:
    for code, label in choices.choices:
        if value in (code, str(label)):
            return str(code)
    return None


def parse_registry_file(data: bytes, *, filename: str, registry: str) -> list[dict[str, Any]]:
    """All rows checked; raises INVALID_INPUT with `details.errors` (row, column, message) if any is bad."""
    table = _table(data, filename)
    if not table:
        raise SifaError(ErrorCode.INVALID_INPUT, message="文件为空。", details={"errors": []})
    header = table[0]
    missing = [title for title in REQUIRED[Registry(registry)] if title not in header]
    if missing:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message=f"表头缺少必需的列：{'、'.join(missing)}",
            details={
                "missing_columns": missing,
                "errors": [{"row": 1, "column": m, "message": "缺少列"} for m in missing],
            },
        )
    index = {COLUMNS[t]: i for i, t in enumerate(header) if t in COLUMNS}
    required_fields = {COLUMNS[t] for t in REQUIRED[Registry(registry)]}
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    titles = {v: k for k, v in COLUMNS.items()}
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        if len(cells) > len(header):
            errors.append(RowError(number, "", f"有 {len(cells)} 列，表头只有 {len(header)} 列"))
            continue
        raw = {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}
        row: dict[str, Any] = {"row": number}
        for field in COLUMNS.values():
            value = raw.get(field, "")
            if not value:
                if field in required_fields:
                    errors.append(RowError(number, titles[field], "不能为空"))
                row[field] = None if field in _DATES else ""
                continue
            if field == "id_number":
                try:
                    row[field] = idnumber.parse(value).value
                except SifaError:
                    errors.append(RowError(number, titles[field], "身份证号码无效"))
            elif field in _DATES:
                text = birth_from_text(value)
                if text is None:
                    errors.append(RowError(number, titles[field], f"日期无效：{value}"))
                else:
                    row[field] = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
            elif field == "gender":
                row[field] = {"男": "M", "女": "F", "M": "M", "F": "F"}.get(value.upper() if value.isascii() else value)
                if row[field] is None:
                    errors.append(RowError(number, titles[field], f"无法识别：{value}"))
            elif field in _CHOICES:
                row[field] = _choice(value, _CHOICES[field])
                if row[field] is None:
                    errors.append(RowError(number, titles[field], f"无法识别：{value}"))
            else:
                row[field] = value[:128]
        if registry in DEPARTED_REGISTRIES and row.get("departure_type") == "" and not errors:
            errors.append(RowError(number, "离任方式", "不能为空"))
        rows.append(row)
    if errors:
        first = errors[0]
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message=f"第 {first.row} 行“{first.column}”{first.message}；共 {len(errors)} 处错误，未导入任何记录。",
            details={"errors": [e.__dict__ for e in errors]},
        )
    return rows
