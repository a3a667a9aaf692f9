"""Concurrency on PostgreSQL with real threads, each on its own database connection.

SQLite serialises every writer on one database lock, so these races cannot happen there; the tests
are skipped on SQLite and run in CI's PostgreSQL pass. max_connections is 100 on the CI server and
other workers share it, so 50 threads are used: 50 transitions, and 100 replays as two waves of 50.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from sifa.audit.verify import verify_log
from sifa.cases.models import Case, CaseEvent
from sifa.cases.services import case_submit, case_transition
from sifa.cases.tests.conftest import aid_form, pdf_upload
from sifa.core.errors import ErrorCode, SifaError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has one writer lock, so parallel transactions cannot race",
    ),
]

THREADS = 50


def _run_parallel(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(min(count, THREADS))

    def one(i: int) -> Any:
        try:
            if i < THREADS:
                barrier.wait(timeout=30)
            return work(i)
        except SifaError as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(one, range(count)))


def test_50_parallel_transitions_on_one_case_exactly_one_succeeds(world, citizen, aid):
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    officers = [aid["officer"], aid["officer2"]]

    def fire(i: int) -> Any:
        return case_transition(
            actor=officers[i % 2],
            case_id=case.pk,
            transition="request_materials",
            data={"missing": f"材料{i}"},
            expected_version=1,
        )

    results = _run_parallel(50, fire)
    won = [r for r in results if isinstance(r, Case)]
    lost = [r for r in results if isinstance(r, SifaError)]
    assert len(won) == 1
    assert len(lost) == 49
    assert {e.code for e in lost} == {ErrorCode.STALE_VERSION}
    assert {e.status for e in lost} == {409}
    case.refresh_from_db()
    assert (case.stage, case.version) == ("supplement", 2)
    assert CaseEvent.objects.filter(case=case, action="request_materials").count() == 1
    assert verify_log().ok


def test_100_concurrent_replays_of_one_key_create_one_case_and_another_body_is_refused(world, citizen):
    def submit(i: int) -> Any:
        return case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(),
            files={"hardship_proof": pdf_upload()},
            idempotency_key="replay-1",
        )

    results = _run_parallel(100, submit)
    assert all(isinstance(r, Case) for r in results), [r for r in results if not isinstance(r, Case)][:3]
    assert len({r.pk for r in results}) == 1
    assert Case.objects.filter(idempotency_key="replay-1").count() == 1
    with pytest.raises(SifaError) as refused:
        case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(title="不同的内容"),
            files={"hardship_proof": pdf_upload()},
            idempotency_key="replay-1",
        )
    assert refused.value.code == ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert verify_log().ok
