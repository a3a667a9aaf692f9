"""Certificate numbers under concurrency (PostgreSQL with real threads; SQLite serialises writers,
so the race cannot happen there and the test is skipped, as in sifa.cases.tests.test_concurrency)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from sifa.notary import services
from sifa.notary.models import Certificate, CertificateCounter
from sifa.notary.tests.test_flow import apply, ready

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: parallel transactions"),
]

THREADS = 12


def test_parallel_issues_get_consecutive_numbers_without_gaps(office: dict[str, Any]) -> None:
    cases = [ready(office, apply(office, details=f"第{i}件")) for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def issue(case_id: int) -> str:
        try:
            barrier.wait(timeout=30)
            return services.certificate_issue(actor=office["notary"], case_id=case_id).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        numbers = list(pool.map(issue, [c.pk for c in cases]))
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == list(range(1, THREADS + 1))
    assert len(set(numbers)) == THREADS
    assert CertificateCounter.objects.get().last == THREADS
