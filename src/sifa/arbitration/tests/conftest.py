from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.arbitration import services
from sifa.arbitration.models import Arbitrator
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_submit
from sifa.core import idnumber
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PASSWORD = "Correct-horse-42"


def id_of(first17: str) -> str:
    return first17 + idnumber.check_char(first17)


def make_user(org: Organisation, username: str, role: str, name: str = "钱秘书") -> User:
    user = staff_create(
        actor=None, username=username, password=PASSWORD, full_name=name, organisation=org, roles=(role,)
    )
    totp_device_create(actor=None, user=user)
    return user


@pytest.fixture
def arb(world: dict[str, Any]) -> dict[str, Any]:
    commission = Organisation.objects.create(
        name="济南仲裁委员会", kind=OrganisationKind.ARBITRATION_COMMISSION, division_id="370100"
    )
    definitions_sync()
    return {
        "commission": commission,
        "staff": make_user(commission, "arb_staff", Role.ARBITRATION_STAFF),
        "arbitrator_user": make_user(commission, "arb_member", Role.ARBITRATOR, "冯公断"),
        "bureau": make_user(world["bureaus"]["370100"], "city_bureau", Role.BUREAU_STAFF, "市局"),
        "citizen": citizen_ensure(mobile="13912340002", full_name="申请人"),
    }


APPLICATION = {
    "applicant_name": "山东泉水商贸有限公司",
    "id_number": id_of("37010219800101123"),
    "phone": "13912340002",
    "division": "370102",
    "claimant_address": "济南市历下区泉城路1号",
    "respondent_name": "济南明湖建材有限公司",
    "respondent_address": "济南市市中区经四路2号",
    "dispute_type": "买卖合同",
    "title": "买卖合同纠纷",
    "claim_amount": "120000.00",
    "claims": "请求裁决被申请人支付货款120000元。",
    "facts": "双方签订买卖合同，约定争议由济南仲裁委员会仲裁。申请人依约供货，被申请人未付款。",
    "e_service_consent": True,
}


def file_case(actor: User, key: str = "k1", **overrides: Any) -> Case:
    return case_submit(
        actor=actor,
        service_type="arbitration",
        data={**APPLICATION, **overrides},
        files={"agreement": SimpleUploadedFile("仲裁协议.pdf", PDF, content_type="application/pdf")},
        idempotency_key=key,
    )


def registered_arbitrator(
    staff: User, first17: str = "37010219700101001", name: str = "冯公断", cert: str = "JN-001"
) -> Arbitrator:
    a = services.arbitrator_apply(
        actor=staff,
        data=services.ApplicationData(
            name=name,
            id_number=id_of(first17),
            phone="13700000001",
            qualification="lawyer",
            years_of_practice=12,
            speciality="合同纠纷",
        ),
    )
    services.arbitrator_review(actor=staff, arbitrator_id=a.pk, approve=True, opinion="符合条件")
    session = services.training_session_create(
        actor=staff, title="仲裁员岗前培训", held_on=timezone.localdate() - timedelta(days=3), hours="16"
    )
    services.training_attend(actor=staff, arbitrator_id=a.pk, session_id=session.pk)
    services.exam_record(actor=staff, arbitrator_id=a.pk, taken_on=timezone.localdate(), score="85", pass_mark="60")
    return services.arbitrator_register(actor=staff, arbitrator_id=a.pk, term_years=5, certificate_number=cert)
