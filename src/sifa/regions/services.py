"""Division writes: loading the shipped GB/T 2260 file (plus demo townships and villages)."""

import csv
import gzip
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from sifa.audit.services import audit_record
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.codes import code_clean, code_level, code_parent
from sifa.regions.models import Division

DIVISIONS_FILE = Path(__file__).resolve().parent / "data" / "divisions.csv.gz"
HEADER = ["code", "name", "level", "parent_code"]
BATCH_SIZE = 1000


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: int
    parent_code: str | None


def division_rows_read(path: Path | str | None = None) -> list[DivisionRow]:
    """The rows of a divisions file (gzip or plain CSV `code,name,level,parent_code`), parents first.

    Every row is checked: a canonical code, the level and parent its code spells, a name, and a
    parent that is in the file or already known; a bad row raises SifaError(INVALID_INPUT) naming it.
    """
    path = Path(path) if path is not None else DIVISIONS_FILE
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    if next(reader, None) != HEADER:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"file": path.name, "reason": "header", "expected": HEADER})
    rows: list[DivisionRow] = []
    seen: set[str] = set()
    for line, record in enumerate(reader, start=2):
        row = _row(record)
        if row is None or row.code in seen:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"file": path.name, "line": line, "row": record[:4]})
        seen.add(row.code)
        rows.append(row)
    rows.sort(key=lambda r: (r.level, r.code))
    return rows


def _row(record: list[str]) -> DivisionRow | None:
    if len(record) != len(HEADER):
        return None
    code, name, level, parent = (field.strip() for field in record)
    try:
        canonical = code_clean(code)
    except SifaError:
        return None
    if canonical != code or not name or len(name) > 64 or level != str(int(code_level(code))):
        return None
    if (parent or None) != code_parent(code):
        return None
    return DivisionRow(code=code, name=name, level=int(level), parent_code=parent or None)


def divisions_load(*, path: Path | str | None = None, progress: bool = False) -> int:
    """Upsert the divisions in `path` (default: the shipped file); returns how many rows it created
    or changed. Rows already as in the file are not written, so running it again changes nothing.
    Divisions missing from the file are kept (organisations and people refer to them).
    """
    rows = division_rows_read(path)
    with transaction.atomic():
        existing = {code: (name, level, parent) for code, name, level, parent in _existing()}
        changed = [r for r in rows if existing.get(r.code) != (r.name, r.level, r.parent_code)]
        known = existing.keys() | {r.code for r in rows}
        orphans = [r.code for r in changed if r.parent_code is not None and r.parent_code not in known]
        if orphans:
            raise SifaError(ErrorCode.INVALID_INPUT, details={"reason": "unknown_parent", "codes": orphans[:20]})
        with tqdm(total=len(changed), unit="条", desc="行政区划", disable=not progress, file=sys.stderr) as bar:
            for start in range(0, len(changed), BATCH_SIZE):
                batch = changed[start : start + BATCH_SIZE]
                Division.objects.bulk_create(
                    [Division(code=r.code, name=r.name, level=r.level, parent_id=r.parent_code) for r in batch],
                    update_conflicts=True,
                    unique_fields=["code"],
                    update_fields=["name", "level", "parent"],
                )
                bar.update(len(batch))
        if changed:
            created = sum(1 for r in changed if r.code not in existing)
            audit_record(
                actor=None,
                action="regions.divisions_load",
                after={"created": created, "updated": len(changed) - created, "rows": len(rows)},
            )
    return len(changed)


def _existing() -> list[tuple[str, str, int, str | None]]:
    return list(Division.objects.values_list("code", "name", "level", "parent_id"))
