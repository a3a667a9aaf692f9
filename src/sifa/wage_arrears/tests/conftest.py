"""Fixtures for the wage-arrears tests: the world, a legal-aid centre in 历下区, a worker, a form."""

from typing import Any

import pytest

from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure
from sifa.cases.registry import definitions_sync
from sifa.cases.tests.conftest import other_citizen, valid_id  # noqa: F401
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

WORKER_ID = valid_id("37010219700215613")
WORKER_PHONE = "13905310077"


@pytest.fixture
def centre(world: Any) -> Organisation:
    definitions_sync()
    return Organisation.objects.create(
        name="历下区法律援助中心",
        kind=OrganisationKind.LEGAL_AID_CENTRE,
        division_id="370102",
        address="历下区解放路 112 号",
        public_phone="0531-86012348",
    )


@pytest.fixture
def worker(centre: Organisation) -> User:
    return citizen_ensure(mobile=WORKER_PHONE, full_name="王师傅")


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "applicant_name": "王师傅",
        "id_number": WORKER_ID,
        "phone": WORKER_PHONE,
        "division": "370102",
        "employer_name": "济南某建筑劳务有限公司",
        "employer_credit_code": "",
        "project_name": "某小区 3 号楼工程",
        "amount_owed": "12000.50",
        "period_start": "2026-03",
        "period_end": "2026-06",
        "workers_affected": "5",
        "has_contract": "有",
        "has_records": "有",
        "has_iou": "没有",
        "still_working": "否",
        "facts": "",
    }
    data.update(overrides)
    return data
