"""Person ledgers: Excel import with a per-row error report, Excel export (masked)."""

from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.core.errors import SifaError
from sifa.core.excel import export_xlsx, read_table
from sifa.core.uploads import check_upload
from sifa.people.presenters import person_masked
from sifa.people.selectors import person_list
from sifa.people.services import PersonData, person_create

IMPORT_COLUMNS = {
    "姓名": "name",
    "身份证号码": "id_number",
    "联系电话": "phone",
    "区划代码": "division_code",
    "住址": "address",
}
EXPORT_COLUMNS = ["姓名", "性别", "出生年份", "身份证号码（脱敏）", "联系电话（脱敏）", "区划代码", "所属区划", "住址"]


@dataclass
class ImportReport:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False


def person_import(*, actor: User, upload: IO[bytes], partial: bool = False) -> ImportReport:
    """Import every row, or nothing: unless `partial`, one bad row rolls back the whole file and the
    report lists each bad row (row number, code, message) so the user can fix and re-upload."""
    kind = check_upload(upload, allowed={"xlsx", "csv"})
    report = ImportReport()
    with transaction.atomic():
        for number, row in read_table(upload, kind=kind, headers=IMPORT_COLUMNS):
            try:
                with transaction.atomic():
                    person_create(actor=actor, data=PersonData(**row))
            except SifaError as exc:
                report.errors.append(
                    {"row": number, "code": str(exc.code), "message": exc.message, "details": exc.details}
                )
            else:
                report.created += 1
        if report.errors and not partial:
            transaction.set_rollback(True)
            report.created = 0
            return report
        audit_record(
            actor=actor, action="people.import", after={"created": report.created, "rejected": len(report.errors)}
        )
    report.committed = True
    return report


@transaction.atomic
def person_export(*, actor: User, q: str = "") -> bytes:
    people = person_list(user=actor, q=q)
    audit_record(actor=actor, action="people.export", after={"rows": people.count(), "query": q})
    rows = (
        [
            m["name"],
            m["gender"],
            m["birth_year"],
            m["id_number_masked"],
            m["phone_masked"],
            m["division_code"],
            m["division_name"],
            m["address"],
        ]
        for m in map(person_masked, people.iterator())
    )
    return export_xlsx(title="人员档案", headers=EXPORT_COLUMNS, rows=rows)
