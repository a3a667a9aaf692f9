"""E2 ledger reconciliation: each discrepancy type, normalisation, inputs and the CLI."""

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from sifa.core.errors import ErrorCode, SifaError
from sifa.risk import generators, reconcile
from sifa.risk.ledgers import COURT, HEADERS, POLICE, PROCURATORATE

AS_OF = date(2025, 6, 30)
ID_A = "370102199001011237"
ID_B = "370102198505054313"


def _police(no: str = "P1", **kw: str) -> dict[str, str]:
    row = {
        "case_no": no,
        "suspect_name": "张三",
        "suspect_id_number": ID_A,
        "charge": "盗窃罪",
        "filed_date": "2025-01-02",
        "transferred_date": "2025-02-01",
    }
    return row | kw


def _proc(no: str = "Q1", ref: str = "P1", **kw: str) -> dict[str, str]:
    row = {
        "case_no": no,
        "police_case_no": ref,
        "suspect_name": "张三",
        "suspect_id_number": ID_A,
        "charge": "盗窃罪",
        "received_date": "2025-02-03",
        "indicted_date": "2025-02-20",
    }
    return row | kw


def _court(no: str = "C1", ref: str = "Q1", **kw: str) -> dict[str, str]:
    row = {
        "case_no": no,
        "procuratorate_case_no": ref,
        "defendant_name": "张三",
        "defendant_id_number": ID_A,
        "charge": "盗窃罪",
        "received_date": "2025-02-25",
        "judged_date": "2025-04-01",
    }
    return row | kw


def _run(
    tmp_path: Path, police: list[dict[str, str]], proc: list[dict[str, str]], court: list[dict[str, str]]
) -> list[tuple[str, ...]]:
    for agency, rows in ((POLICE, police), (PROCURATORATE, proc), (COURT, court)):
        generators.write_rows(tmp_path / f"{agency}.csv", HEADERS[agency], rows)
    out = io.StringIO()
    reconcile.reconcile_files(
        police=tmp_path / "police.csv",
        procuratorate=tmp_path / "procuratorate.csv",
        court=tmp_path / "court.csv",
        out=out,
        as_of=AS_OF,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(reconcile.OUTPUT_HEADERS)
    return [tuple(r) for r in rows[1:]]


def test_consistent_chain_raises_nothing(tmp_path: Path) -> None:
    assert _run(tmp_path, [_police()], [_proc()], [_court()]) == []


def test_case_numbers_match_across_bracket_width_and_spaces(tmp_path: Path) -> None:
    police = [_police("（2024）鲁0102刑立１２３号")]
    proc = [_proc("济历检刑诉〔2024〕7号", ref=" (2024) 鲁0102刑立123号")]
    court = [_court("（2024）鲁0102刑初5号", ref="济历检刑诉[2024]7号")]
    assert _run(tmp_path, police, proc, court) == []


def test_missing_in_procuratorate(tmp_path: Path) -> None:
    assert _run(tmp_path, [_police()], [], []) == [
        ("missing_in_procuratorate", "P1", "", "", "公安机关 2025-02-01 移送审查起诉，检察院台账无受理记录")
    ]


def test_police_case_not_yet_transferred_is_not_missing(tmp_path: Path) -> None:
    assert _run(tmp_path, [_police(transferred_date="")], [], []) == []


def test_missing_in_court(tmp_path: Path) -> None:
    assert _run(tmp_path, [_police()], [_proc()], []) == [
        ("missing_in_court", "P1", "Q1", "", "检察院 2025-02-20 提起公诉，法院台账无受理记录")
    ]


def test_no_upstream_in_both_directions_and_empty_reference_is_not_one(tmp_path: Path) -> None:
    proc = [_proc("Q1", ref="P9"), _proc("Q2", ref="", received_date="2025-06-20", indicted_date="")]
    court = [_court("C1", ref="Q1"), _court("C2", ref="Q9")]
    assert _run(tmp_path, [], proc, court) == [
        ("no_upstream", "", "Q9", "C2", "法院案件引用的检察院案号在检察院台账中不存在"),
        ("no_upstream", "P9", "Q1", "", "检察院案件引用的公安案号在公安台账中不存在"),
    ]


def test_person_mismatch_by_id_number_shows_masked_ids_only(tmp_path: Path) -> None:
    found = _run(tmp_path, [_police()], [_proc(suspect_id_number=ID_B)], [_court(defendant_id_number=ID_B)])
    assert found == [
        ("person_mismatch", "P1", "Q1", "", "公安：张三（3701**********1237）；检察院：张三（3701**********4313）")
    ]
    assert ID_A not in str(found)
    assert ID_B not in str(found)


def test_person_compared_by_name_when_an_id_is_missing(tmp_path: Path) -> None:
    proc = [_proc(suspect_id_number="")]
    court = [_court(defendant_id_number="", defendant_name="李四")]
    assert _run(tmp_path, [_police(suspect_id_number="３７０１０２１９９００１０１１２３７")], proc, court) == [
        ("person_mismatch", "P1", "Q1", "C1", "检察院：张三（无）；法院：李四（无）")
    ]


def test_id_numbers_compare_after_folding_width_and_case(tmp_path: Path) -> None:
    x_id = "11010519491231002X"
    police = [_police(suspect_id_number=x_id)]
    proc = [_proc(suspect_id_number="11010519491231002x ")]
    court = [_court(defendant_id_number="１１０１０５１９４９１２３１００２Ｘ")]
    assert _run(tmp_path, police, proc, court) == []


def test_charge_mismatch_ignores_trailing_zui(tmp_path: Path) -> None:
    proc = [_proc(charge="盗窃")]
    court = [_court(charge="诈骗罪")]
    assert _run(tmp_path, [_police()], proc, court) == [
        ("charge_mismatch", "P1", "Q1", "C1", "检察院：盗窃；法院：诈骗罪")
    ]


def test_date_order_every_step(tmp_path: Path) -> None:
    police = [_police("P1", filed_date="2025-02-05", transferred_date="2025-02-01")]
    proc = [_proc("Q1", ref="P1", received_date="2025-01-30", indicted_date="2025-01-29")]
    court = [_court("C1", ref="Q1", received_date="2025-01-20", judged_date="2025-01-10")]
    assert _run(tmp_path, police, proc, court) == [
        ("date_order", "", "Q1", "C1", "法院判决日期 2025-01-10 早于受理日期 2025-01-20"),
        ("date_order", "P1", "", "", "公安移送日期 2025-02-01 早于立案日期 2025-02-05"),
        ("date_order", "P1", "Q1", "", "检察院受理日期 2025-01-30 早于公安移送日期 2025-02-01"),
        ("date_order", "P1", "Q1", "", "检察院起诉日期 2025-01-29 早于受理日期 2025-01-30"),
        ("date_order", "P1", "Q1", "C1", "法院受理日期 2025-01-20 早于检察院起诉日期 2025-01-29"),
    ]


def test_dates_in_slash_and_chinese_formats(tmp_path: Path) -> None:
    police = [_police(filed_date="2025/01/02", transferred_date="2025年2月1日")]
    proc = [_proc(received_date="2025.2.3", indicted_date="2025-02-20 09:30:00")]
    assert _run(tmp_path, police, proc, [_court()]) == []


def test_overdue_review_boundary(tmp_path: Path) -> None:
    # as of 2025-06-30 the review limit (1 month + 15 days) reaches back to 2025-05-15
    proc = [
        _proc("Q1", ref="", received_date="2025-05-15", indicted_date=""),
        _proc("Q2", ref="", received_date="2025-05-14", indicted_date=""),
    ]
    assert _run(tmp_path, [], proc, []) == [
        (
            "overdue",
            "",
            "Q2",
            "",
            "检察院 2025-05-14 受理，截至 2025-06-30 未作出起诉决定，"
            "超过审查起诉期限（一个月，重大复杂案件可延长十五日；刑事诉讼法第一百七十二条）",
        )
    ]


def test_overdue_trial_boundary(tmp_path: Path) -> None:
    court = [
        _court("C1", ref="", received_date="2025-03-30", judged_date=""),
        _court("C2", ref="", received_date="2025-03-29", judged_date=""),
    ]
    assert _run(tmp_path, [], [], court) == [
        (
            "overdue",
            "",
            "",
            "C2",
            "法院 2025-03-29 受理，截至 2025-06-30 未宣判，"
            "超过一审审理期限（二个月，至迟三个月；刑事诉讼法第二百零八条）",
        )
    ]


def test_duplicate_after_normalisation_reported_once(tmp_path: Path) -> None:
    police = [_police("（2024）1号"), _police("(2024)1号"), _police("(2024) 1号")]
    proc = [_proc(ref="(2024)1号")]
    assert _run(tmp_path, police, proc, [_court()]) == [
        ("duplicate", "(2024) 1号", "", "", "公安台账中该案号出现 3 次")
    ]


def test_generator_planted_patterns_are_found_exactly(tmp_path: Path) -> None:
    planted = {i * 3 + 1: p for i, p in enumerate(generators.PLANTABLE)}
    data = generators.ledgers(60, seed=11, planted=planted)
    paths = data.write_csv(tmp_path)
    out = io.StringIO()
    report = reconcile.reconcile_files(**paths, out=out, as_of=generators.AS_OF)
    found = sorted(tuple(r[:4]) for r in list(csv.reader(io.StringIO(out.getvalue())))[1:])
    assert found == data.expected
    assert len(found) == len(generators.PLANTABLE)
    assert report.counts == {
        "missing_in_procuratorate": 1,
        "missing_in_court": 1,
        "no_upstream": 2,
        "person_mismatch": 1,
        "charge_mismatch": 1,
        "date_order": 1,
        "overdue": 2,
        "duplicate": 1,
    }


def test_generator_clean_data_raises_nothing(tmp_path: Path) -> None:
    data = generators.ledgers(200, seed=3)
    out = io.StringIO()
    report = reconcile.reconcile_files(**data.write_csv(tmp_path), out=out, as_of=generators.AS_OF)
    assert report.total == 0
    assert report.rows_read == {"police": 202, "procuratorate": 201, "court": 200}


def _xlsx(path: Path, agency: str, rows: list[dict[str, Any]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["备注", *HEADERS[agency]])
    for row in rows:
        sheet.append(["", *(row[h] for h in HEADERS[agency])])
    book.save(path)


def test_excel_input_with_date_cells(tmp_path: Path) -> None:
    _xlsx(
        tmp_path / "p.xlsx",
        POLICE,
        [_police() | {"filed_date": date(2025, 1, 2), "transferred_date": date(2025, 2, 1)}],
    )
    _xlsx(tmp_path / "q.xlsx", PROCURATORATE, [_proc(indicted_date="")])
    generators.write_rows(tmp_path / "c.csv", HEADERS[COURT], [])
    out = io.StringIO()
    report = reconcile.reconcile_files(
        police=tmp_path / "p.xlsx", procuratorate=tmp_path / "q.xlsx", court=tmp_path / "c.csv", out=out, as_of=AS_OF
    )
    assert report.rows_read == {"police": 1, "procuratorate": 1, "court": 0}
    assert dict(report.counts) == {"overdue": 1}


def test_missing_header_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "police.csv").write_text("case_no,suspect_name\nP1,张三\n", encoding="utf-8")
    with pytest.raises(SifaError) as caught:
        reconcile.reconcile_files(
            police=tmp_path / "police.csv",
            procuratorate=tmp_path / "police.csv",
            court=tmp_path / "police.csv",
            out=io.StringIO(),
            as_of=AS_OF,
        )
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert caught.value.details == {
        "ledger": "police",
        "missing_columns": ["suspect_id_number", "charge", "filed_date", "transferred_date"],
    }


def test_gbk_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "police.csv").write_bytes(("case_no,suspect_name\n" + "张三李四王五" * 50).encode("gbk"))
    with pytest.raises(SifaError) as caught:
        reconcile.reconcile_files(
            police=tmp_path / "police.csv",
            procuratorate=tmp_path / "police.csv",
            court=tmp_path / "police.csv",
            out=io.StringIO(),
            as_of=AS_OF,
        )
    assert caught.value.code == ErrorCode.FILE_TYPE_REFUSED


def test_cli_writes_the_discrepancy_file(tmp_path: Path) -> None:
    for agency, rows in ((POLICE, [_police()]), (PROCURATORATE, [_proc()]), (COURT, [])):
        generators.write_rows(tmp_path / f"{agency}.csv", HEADERS[agency], rows)
    stdout = io.StringIO()
    call_command(
        "reconcile",
        "--police", str(tmp_path / "police.csv"),
        "--procuratorate", str(tmp_path / "procuratorate.csv"),
        "--court", str(tmp_path / "court.csv"),
        "--out", str(tmp_path / "out.csv"),
        "--as-of", "2025-06-30",
        "--no-progress",
        stdout=stdout,
    )  # fmt: skip
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == (
        "type,police_case_no,procuratorate_case_no,court_case_no,detail\n"
        "missing_in_court,P1,Q1,,检察院 2025-02-20 提起公诉，法院台账无受理记录\n"
    )
    assert "missing_in_court\t1" in stdout.getvalue()
    assert "差异合计 1 条" in stdout.getvalue()


def test_cli_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        call_command(
            "reconcile",
            "--police", str(tmp_path / "nope.csv"),
            "--procuratorate", str(tmp_path / "nope.csv"),
            "--court", str(tmp_path / "nope.csv"),
            "--out", str(tmp_path / "out.csv"),
            "--no-progress",
        )  # fmt: skip
