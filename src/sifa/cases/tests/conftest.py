"""Fixtures for the case engine: citizens, a county with a legal-aid centre and law firms, and a
fourth service type that exists only as a definition file."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure
from sifa.cases.registry import definitions_sync
from sifa.core import idnumber
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

FOURTH_TYPE = """
code = "certificate"
version = 1
name = "证明材料核发"
description = "只由定义文件声明的第四种服务类型。"
reference_prefix = "ZM"
applicant_roles = ["citizen"]
initial_stage = "accept"

[[fields]]
name = "applicant_name"
label = "姓名"

[[fields]]
name = "division"
label = "区县"
type = "division"

[[fields]]
name = "purpose"
label = "用途"
type = "choice"
choices = ["出国", "入学"]

[[stages]]
code = "accept"
name = "受理"
roles = ["bureau_staff"]
deadline = { days = 2, calendar = "working", warn_days = 1 }

[[stages]]
code = "done"
name = "办结"
terminal = true

[[transitions]]
code = "finish"
name = "办结"
from = ["accept"]
to = "done"
roles = ["bureau_staff"]
notify = ["applicant"]
fields = [{ name = "note", label = "办理意见", required = false }]
"""


def valid_id(prefix17: str = "37010219900101123") -> str:
    return prefix17 + idnumber.check_char(prefix17)


@pytest.fixture
def citizen(db: Any) -> User:
    return citizen_ensure(mobile="13912345678", full_name="张三")


@pytest.fixture
def other_citizen(db: Any) -> User:
    return citizen_ensure(mobile="13987654321", full_name="李四")


@pytest.fixture
def fourth_type(tmp_path: Path, settings: Any, world: Any) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir()
    path = folder / "certificate.toml"
    path.write_text(FOURTH_TYPE, encoding="utf-8")
    settings.SIFA_CASE_DEFINITION_DIRS = [str(folder)]
    definitions_sync()
    return path


@pytest.fixture
def aid(world: dict[str, Any], make_user: Callable[..., User]) -> dict[str, Any]:
    """历下区: a legal-aid centre with an officer and a supervisor, two law firms with three lawyers."""
    centre = Organisation.objects.create(
        name="历下区法律援助中心", kind=OrganisationKind.LEGAL_AID_CENTRE, division_id="370102"
    )
    firm_a = Organisation.objects.create(name="泉城律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370102")
    firm_b = Organisation.objects.create(name="大明湖律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370102")
    other_firm = Organisation.objects.create(
        name="市中律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370103"
    )
    return {
        "centre": centre,
        "officer": make_user(centre, (Role.LEGAL_AID_OFFICER,), full_name="王审查"),
        "officer2": make_user(centre, (Role.LEGAL_AID_OFFICER,), full_name="赵审查"),
        "supervisor": make_user(centre, (Role.SUPERVISOR,), full_name="孙监督"),
        "lawyers": [
            make_user(firm_a, (Role.LAWYER,), full_name="刘律师"),
            make_user(firm_a, (Role.LAWYER,), full_name="陈律师"),
            make_user(firm_b, (Role.LAWYER,), full_name="杨律师"),
        ],
        "far_lawyer": make_user(other_firm, (Role.LAWYER,), full_name="周律师"),
        "far_officer": make_user(
            Organisation.objects.create(
                name="市中区法律援助中心", kind=OrganisationKind.LEGAL_AID_CENTRE, division_id="370103"
            ),
            (Role.LEGAL_AID_OFFICER,),
        ),
    }


def pdf_upload(name: str = "proof.pdf", body: bytes = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, content_type="application/pdf")


def aid_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "applicant_name": "张三",
        "id_number": valid_id(),
        "phone": "13912345678",
        "division": "370102",
        "matter_type": "劳动争议",
        "title": "追索劳动报酬",
        "facts": "用人单位拖欠工资三个月。",
        "hardship": "城乡最低生活保障对象",
        "monthly_income": "800",
        "declaration": "true",
    }
    form.update(overrides)
    return form
