"""The three agencies' case ledgers (E2): their headers, and loading them into an SQL engine.

Ledgers come as UTF-8 CSV (a byte-order mark is allowed) or Excel (.xlsx, first sheet), with the
headers below on the first row; extra columns are ignored, a missing one is refused by name.
Every cell is loaded as text: normalisation (case numbers, ID numbers, dates) happens in SQL.
"""

import csv
import io
from pathlib import Path
from typing import IO, Any

import duckdb
import pandas as pd
from openpyxl import load_workbook

from sifa.core.errors import ErrorCode, SifaError

POLICE = "police"
PROCURATORATE = "procuratorate"
COURT = "court"
AGENCIES = (POLICE, PROCURATORATE, COURT)

HEADERS: dict[str, tuple[str, ...]] = {
    POLICE: ("case_no", "suspect_name", "suspect_id_number", "charge", "filed_date", "transferred_date"),
    PROCURATORATE: (
        "case_no",
        "police_case_no",
        "suspect_name",
        "suspect_id_number",
        "charge",
        "received_date",
        "indicted_date",
    ),
    COURT: (
        "case_no",
        "procuratorate_case_no",
        "defendant_name",
        "defendant_id_number",
        "charge",
        "received_date",
        "judged_date",
    ),
}

AGENCY_LABELS = {POLICE: "公安", PROCURATORATE: "检察院", COURT: "法院"}


def sniff_kind(head: bytes) -> str:
    """ "xlsx" for a zip container, "csv" for UTF-8 text; anything else is refused."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            raise SifaError(ErrorCode.FILE_TYPE_REFUSED, message="台账须为 UTF-8 编码的 CSV 或 Excel 文件。") from exc
    return "csv"


def _check_headers(agency: str, found: list[str]) -> None:
    missing = [h for h in HEADERS[agency] if h not in found]
    if missing:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message=f"{AGENCY_LABELS[agency]}台账表头缺少必需的列。",
            details={"ledger": agency, "missing_columns": missing},
        )


def _xlsx_frame(agency: str, stream: IO[bytes]) -> pd.DataFrame:
    sheet = load_workbook(stream, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    titles = ["" if v is None else str(v).strip() for v in next(rows, ())]
    _check_headers(agency, titles)
    index = [titles.index(h) for h in HEADERS[agency]]
    data = []
    for row in rows:
        cells = [_xlsx_cell(row[i]) if i < len(row) else None for i in index]
        if any(cells):
            data.append(cells)
    return pd.DataFrame(data, columns=list(HEADERS[agency]), dtype="string")


def _xlsx_cell(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and hasattr(value, "isoformat"):  # datetime / date cells
        return str(value.date() if hasattr(value, "hour") else value)
    text = str(value).strip()
    return text or None


def load(con: duckdb.DuckDBPyConnection, agency: str, path: Path | str) -> int:
    """Create table `<agency>_raw` (all text columns, in HEADERS order) from a CSV or .xlsx file.

    Returns the number of rows loaded.
    """
    path = Path(path)
    with path.open("rb") as stream:
        kind = sniff_kind(stream.read(4096))
        stream.seek(0)
        if kind == "xlsx":
            frame = _xlsx_frame(agency, stream)
            con.register(f"{agency}_frame", frame)
            con.execute(f"CREATE OR REPLACE TABLE {agency}_raw AS SELECT * FROM {agency}_frame")  # noqa: S608
            con.unregister(f"{agency}_frame")
        else:
            header_line = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="").readline()
            titles = [t.strip() for t in next(csv.reader([header_line]), [])]
            _check_headers(agency, titles)
            columns = ", ".join(f'"{h}"' for h in HEADERS[agency])
            con.execute(
                f"CREATE OR REPLACE TABLE {agency}_raw AS SELECT {columns} FROM read_csv(?, header = true, "  # noqa: S608
                "all_varchar = true, quote = '\"', escape = '\"', encoding = 'utf-8')",
                [str(path)],
            )
    return int(con.execute(f"SELECT count(*) FROM {agency}_raw").fetchall()[0][0])  # noqa: S608
