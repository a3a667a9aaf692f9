"""Fixtures: 历下区 with a notary office (two notaries), a supervisor, and a citizen."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure
from sifa.cases.registry import definitions_sync
from sifa.core import idnumber
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def valid_id(prefix17: str = "37010219900101123") -> str:
    return prefix17 + idnumber.check_char(prefix17)


def pdf(name: str = "m.pdf", body: bytes = PDF) -> Any:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "applicant_name": "张三",
        "id_number": valid_id(),
        "phone": "13912345678",
        "division": "370102",
        "matter": "出生",
        "details": "出生公证",
        "purpose": "赴英国留学使用",
    }
    data.update(overrides)
    return data


@pytest.fixture
def office(world: dict[str, Any], make_user: Callable[..., User]) -> dict[str, Any]:
    definitions_sync()
    org = Organisation.objects.create(
        name="济南市泉城公证处", kind=OrganisationKind.NOTARY_OFFICE, division_id="370102"
    )
    return {
        "org": org,
        "notary": make_user(org, (Role.NOTARY,), full_name="赵公正"),
        "notary2": make_user(org, (Role.NOTARY,), full_name="钱公证"),
        "supervisor": make_user(world["bureaus"]["370102"], (Role.SUPERVISOR,), full_name="孙监督"),
        "citizen": citizen_ensure(mobile="13912345678", full_name="张三"),
        "other": citizen_ensure(mobile="13987654321", full_name="李四"),
    }
