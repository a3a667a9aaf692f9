"""E1 litigation risk: planted patterns found with evidence, clean data silent, windows, inputs, CLI."""

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command

from sifa.core.errors import ErrorCode, SifaError
from sifa.risk import litigation, litigation_data
from sifa.risk.litigation import CASE_HEADERS, PARTY_HEADERS


def _score(tmp_path: Path, since: str | None = None) -> list[tuple[str, ...]]:
    out = io.StringIO()
    litigation.score_files(cases=tmp_path / "cases.csv", parties=tmp_path / "parties.csv", out=out, since=since)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(litigation.OUTPUT_HEADERS)
    return [tuple(r) for r in rows[1:]]


def _write(tmp_path: Path, cases: list[dict[str, str]], parties: list[dict[str, str]]) -> None:
    for name, headers, rows in (("cases", CASE_HEADERS, cases), ("parties", PARTY_HEADERS, parties)):
        with (tmp_path / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(headers))
            writer.writeheader()
            writer.writerows({h: r.get(h, "") for h in headers} for r in rows)


def _case(no: str, filed: str = "2024-06-01", **kw: str) -> dict[str, str]:
    return {
        "case_no": no,
        "filed_date": filed,
        "cause": "买卖合同纠纷",
        "claim_text": f"诉请{no}",
        "outcome": "pending",
    } | kw


def _party(no: str, role: str, name: str, **kw: str) -> dict[str, str]:
    return {"case_no": no, "role": role, "name": name} | kw


def test_planted_patterns_found_exactly(tmp_path: Path) -> None:
    sink = litigation_data.write(tmp_path, 150, seed=4)
    found = _score(tmp_path)
    assert {(r[0], r[1]) for r in found} == sink.expected
    assert len(found) == 11


def test_clean_background_raises_nothing(tmp_path: Path) -> None:
    litigation_data.write(tmp_path, 400, seed=9, plants=())
    assert _score(tmp_path) == []


def test_shared_phone_evidence_is_masked_and_scored(tmp_path: Path) -> None:
    phone = "13912345678"
    _write(
        tmp_path,
        [_case("A1", cause="民间借贷纠纷", debt_date="2024-05-30")],
        [
            _party("A1", "原告", "张三", phone=phone, id_number="370102199001011237"),
            _party("A1", "被告", "李四", phone="139 1234 5678"),
        ],
    )
    found = _score(tmp_path)
    assert found == [
        ("A1", "collusion", "虚假诉讼", "80", "high", "原告张三与被告李四：共用电话 139****5678"),
        ("A1", "quick_loan_suit", "虚假诉讼", "80", "high", "借贷发生于 2024-05-30，2 天后即起诉（2024-06-01）"),
    ]
    assert phone not in str(found)


def test_kinship_declared_on_either_side(tmp_path: Path) -> None:
    _write(
        tmp_path,
        [_case("K1")],
        [
            _party("K1", "plaintiff", "王五", id_number="370102199001011237"),
            _party("K1", "defendant", "王六", id_number="370102198505054313", kin_id_numbers="1；370102199001011237"),
        ],
    )
    assert _score(tmp_path) == [("K1", "collusion", "虚假诉讼", "50", "medium", "原告王五与被告王六：登记为亲属")]


def test_templated_claims_outside_the_window_do_not_count(tmp_path: Path) -> None:
    cases, parties = [], []
    for k, filed in enumerate(["2022-01-01", "2022-06-01", "2023-01-05", "2023-03-01", "2023-06-01", "2023-09-01"]):
        no = f"T{k}"
        cases.append(_case(no, filed, claim_text=f"被告某{k}欠款{k * 1000}元未还"))
        parties += [_party(no, "plaintiff", "赵七", id_number="370102199001011237"), _party(no, "defendant", f"某{k}")]
    _write(tmp_path, cases, parties)
    # within 365 days of T5 (2023-09-01) lie T2..T5 only: 4 < 5
    assert _score(tmp_path) == []


def test_repeat_needs_a_loss_closed_before_filing_on_the_same_cause(tmp_path: Path) -> None:
    a = {"id_number": "370102199001011237"}
    b = {"id_number": "370102198505054313"}
    cases = [
        _case("R1", "2023-01-01", outcome="plaintiff_lost", closed_date="2023-05-01"),
        _case("R2", "2023-04-01"),  # filed before R1 closed
        _case("R3", "2023-08-01", cause="租赁合同纠纷"),  # other cause
        _case("R4", "2023-09-01"),
    ]
    parties = []
    for no in ("R1", "R2", "R3", "R4"):
        parties += [_party(no, "plaintiff", "甲", **a), _party(no, "defendant", "乙", **b)]
    _write(tmp_path, cases, parties)
    assert _score(tmp_path) == [
        ("R4", "repeat_after_loss", "滥诉", "30", "medium", "原告甲在 R1 中败诉后再次起诉被告乙")
    ]


def test_a_later_filing_does_not_link_an_earlier_one_through_the_graph(tmp_path: Path) -> None:
    """A (January) has P and D with different phones; B (June) joins them: Z shares P's phone, W shares
    D's phone, and Z and W share an address. Only B sees that graph."""
    _write(
        tmp_path,
        [_case("A", filed="2024-01-10"), _case("B", filed="2024-06-10")],
        [
            _party("A", "plaintiff", "甲", phone="13900000001"),
            _party("A", "defendant", "乙", phone="13900000002"),
            _party("B", "plaintiff", "丙", phone="13900000001", address="某市某路1号"),
            _party("B", "defendant", "丁", phone="13900000002", address="某市某路1号"),
        ],
    )
    assert [(r[0], r[1]) for r in _score(tmp_path)] == [("B", "collusion")]
    # Filed in the other order, the later filing A is linked through B's parties.
    _write(
        tmp_path,
        [_case("A", filed="2024-07-10"), _case("B", filed="2024-06-10")],
        [
            _party("A", "plaintiff", "甲", phone="13900000001"),
            _party("A", "defendant", "乙", phone="13900000002"),
            _party("B", "plaintiff", "丙", phone="13900000001", address="某市某路1号"),
            _party("B", "defendant", "丁", phone="13900000002", address="某市某路1号"),
        ],
    )
    found = {(r[0], r[1]): r[5] for r in _score(tmp_path)}
    assert set(found) == {("A", "collusion"), ("B", "collusion")}
    assert "间接关联（关联组 4 人）" in found[("A", "collusion")]


def test_since_limits_output_to_new_filings(tmp_path: Path) -> None:
    sink = litigation_data.write(tmp_path, 50, seed=2)
    found = _score(tmp_path, since="2024-07-01")
    expected_new = {
        e
        for e in sink.expected
        if e[0].endswith(("800000504号", "800000505号", "800000709号", "800000710号", "800000711号"))
    }
    assert {(r[0], r[1]) for r in found} == expected_new


def test_excel_input(tmp_path: Path) -> None:
    _write(
        tmp_path,
        [_case("X1")],
        [_party("X1", "原告", "甲", agent="某律师"), _party("X1", "被告", "乙", agent="某律师")],
    )
    for name in ("cases", "parties"):
        pd.read_csv(tmp_path / f"{name}.csv", dtype=str).to_excel(tmp_path / f"{name}.xlsx", index=False)
    out = io.StringIO()
    report = litigation.score_files(cases=tmp_path / "cases.xlsx", parties=tmp_path / "parties.xlsx", out=out)
    assert out.getvalue().splitlines()[1] == "X1,collusion,虚假诉讼,50,medium,原告甲与被告乙：同一代理人 某律师"
    assert (report.cases, report.parties, report.flagged_cases) == (1, 2, 1)


def test_missing_columns_named(tmp_path: Path) -> None:
    (tmp_path / "cases.csv").write_text("case_no,filed_date\n", encoding="utf-8")
    (tmp_path / "parties.csv").write_text(",".join(PARTY_HEADERS) + "\n", encoding="utf-8")
    with pytest.raises(SifaError) as caught:
        _score(tmp_path)
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert caught.value.details["missing_columns"] == [
        "cause",
        "claim_text",
        "claim_amount",
        "debt_date",
        "outcome",
        "closed_date",
    ]


def test_cli_verb_with_hyphen(tmp_path: Path) -> None:
    litigation_data.write(tmp_path, 30, seed=8)
    stdout = io.StringIO()
    args: list[Any] = ["--cases", tmp_path / "cases.csv", "--parties", tmp_path / "parties.csv"]
    call_command("litigation-risk", *map(str, args), "--out", str(tmp_path / "f.csv"), "--no-progress", stdout=stdout)
    text = stdout.getvalue()
    assert "虚假诉讼\t5" in text
    assert "滥诉\t3" in text
    assert "涉众\t3" in text
    assert "预警案件 11 件" in text
    assert len((tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()) == 12


def test_filing_desk_page_and_api(tmp_path: Path, staff_client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sifa.accounts.choices import Role
    from sifa.audit.models import AuditEntry

    litigation_data.write(tmp_path, 40, seed=6)
    files = {n: (tmp_path / f"{n}.csv").read_bytes() for n in ("cases", "parties")}
    client = staff_client("370102", (Role.BUREAU_STAFF,))
    page = client.post(
        "/risk/litigation/",
        {n: SimpleUploadedFile(f"{n}.csv", body, content_type="text/csv") for n, body in files.items()},
    ).content.decode()
    assert "共 66 件案件，预警 11 件" in page
    assert "<td>败诉后重复起诉</td>" in page
    assert '<th scope="row">虚假诉讼</th><td>5</td>' in page
    response = client.post(
        "/api/v1/risk/litigation-check?since=2024-07-01",
        {n: SimpleUploadedFile(f"{n}.csv", body, content_type="text/csv") for n, body in files.items()},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["flagged_cases"], body["categories"]) == (5, {"滥诉": 2, "涉众": 3})
    assert AuditEntry.objects.filter(action="risk.litigation_check").count() == 2
    mediator = staff_client("370102", (Role.MEDIATOR,))
    assert mediator.get("/risk/litigation/").status_code == 403


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_score_case_gives_the_file_scorers_answer_for_one_filing(tmp_path: Path) -> None:
    litigation_data.write(tmp_path, 150, seed=4)
    by_file: dict[str, list[tuple[str, ...]]] = {}
    for row in _score(tmp_path):
        by_file.setdefault(row[0], []).append(row)
    cases, parties = _rows(tmp_path / "cases.csv"), _rows(tmp_path / "parties.csv")
    clean = next(c["case_no"] for c in cases if c["case_no"] not in by_file)
    for case_no in [*by_file, clean]:
        found = litigation.score_case(cases=cases, parties=parties, case_no=case_no)
        rows = [(case_no, f.type, f.category, str(found.score), found.level, f.evidence) for f in found.flags]
        assert rows == by_file.get(case_no, [])
        assert all(f.points == litigation.WARNINGS[f.type][1] for f in found.flags)


def test_score_case_words_the_evidence_for_arbitration() -> None:
    cases = [_case("Z1", cause="借款合同", debt_date="2024-05-30")]
    parties = [
        _party("Z1", "plaintiff", "张三", phone="13912345678", address="济南市历下区泉城路1号"),
        _party("Z1", "defendant", "李四", phone="13912345678", address="济南市历下区泉城路1号"),
    ]
    found = litigation.score_case(cases=cases, parties=parties, case_no="Z1", terms=litigation.ARBITRATION)
    assert (found.score, found.level, found.cases, found.parties) == (80, "high", 1, 2)
    assert [(f.label, f.category, f.points, f.evidence) for f in found.flags] == [
        (
            "关联方串通仲裁",
            "虚假诉讼",
            50,
            "申请人张三与被申请人李四：共用电话 139****5678；同一住址 济南市历下区泉城路1号",
        ),
        ("借贷后短期内申请仲裁", "虚假诉讼", 30, "借贷发生于 2024-05-30，2 天后即申请仲裁（2024-06-01）"),
    ]
    with pytest.raises(ValueError, match="among the cases"):
        litigation.score_case(cases=cases, parties=parties, case_no="Z2")


def test_score_case_with_no_parties_and_no_history() -> None:
    found = litigation.score_case(cases=[_case("E1")], parties=[], case_no="E1")
    assert (found.flags, found.score, found.level) == ((), 0, "low")
