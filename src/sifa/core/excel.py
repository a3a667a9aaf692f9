"""Excel in and out: lists export to .xlsx; ledgers import from .xlsx or UTF-8 CSV."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from sifa.core.errors import ErrorCode, SifaError


def export_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook; write-only mode keeps memory flat for long lists."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_table(stream: IO[bytes], *, kind: str, headers: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number as the user sees it, {field: text}) using `headers` = {column title: field}.

    Missing required columns raise INVALID_INPUT naming them; unknown columns are ignored.
    """
    if kind == "xlsx":
        sheet = load_workbook(stream, read_only=True, data_only=True).worksheets[0]
        rows: Iterator[list[str]] = ([_cell(v) for v in r] for r in sheet.iter_rows(values_only=True))
    else:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        rows = ([_cell(v) for v in r] for r in csv.reader(text))
    title_row = next(rows, [])
    missing = [title for title in headers if title not in title_row]
    if missing:
        raise SifaError(ErrorCode.INVALID_INPUT, message="表头缺少必需的列。", details={"missing_columns": missing})
    index = {headers[title]: title_row.index(title) for title in headers}
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        yield number, {field: (row[i] if i < len(row) else "") for field, i in index.items()}
