"""Fixtures: 市中区 with a registered appraisal institution (head + second appraiser), an unregistered
one, the district bureau's officer, a supervisor and a citizen."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure
from sifa.appraisal.services import institution_register
from sifa.cases.registry import definitions_sync
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name: str = "m.pdf", body: bytes = PDF) -> Any:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def intake_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "entrusting_kind": "当事人",
        "applicant_name": "张三",
        "phone": "13912345678",
        "division": "370103",
        "category": "法医类",
        "title": "伤残等级鉴定",
        "description": "交通事故致左腿骨折，申请伤残等级鉴定。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lab(world: dict[str, Any], make_user: Callable[..., User]) -> dict[str, Any]:
    definitions_sync()
    org = Organisation.objects.create(
        name="济南市明湖司法鉴定中心", kind=OrganisationKind.APPRAISAL_INSTITUTION, division_id="370103"
    )
    other = Organisation.objects.create(
        name="济南市环境司法鉴定所", kind=OrganisationKind.APPRAISAL_INSTITUTION, division_id="370103"
    )
    head = make_user(org, (Role.APPRAISER,), full_name="严鉴定")
    second = make_user(org, (Role.APPRAISER,), full_name="林法医")
    outsider = make_user(other, (Role.APPRAISER,), full_name="周环境")
    institution_register(
        actor=None, organisation=org, categories=["法医类", "物证类"], licence_number="370101", head=head
    )
    institution_register(actor=None, organisation=other, categories=["环境损害"], head=outsider)
    return {
        "org": org,
        "other": other,
        "head": head,
        "second": second,
        "outsider": outsider,
        "bureau": make_user(world["bureaus"]["370103"], (Role.BUREAU_STAFF,), full_name="陈县级"),
        "supervisor": make_user(world["bureaus"]["370103"], (Role.SUPERVISOR,), full_name="孙监督"),
        "citizen": citizen_ensure(mobile="13912345678", full_name="张三"),
    }
