"""Two townships of 历下区, each with a judicial office and a mediation committee with mediators,
so a dispute can be sent to the wrong one; a citizen applicant."""

from collections.abc import Callable
from typing import Any

import pytest

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure
from sifa.cases.models import HandlerProfile
from sifa.core import idnumber
from sifa.mediation import services
from sifa.regions.choices import DivisionLevel, OrganisationKind
from sifa.regions.models import Division, Organisation

APPLICANT_PHONE = "13912340001"
RESPONDENT_PHONE = "13912340002"
RESPONDENT2_PHONE = "13912340003"


def id_number(first17: str) -> str:
    return first17 + idnumber.check_char(first17)


APPLICANT_ID = id_number("37010219650312135")
RESPONDENT_ID = id_number("37010219700101241")


@pytest.fixture
def towns(world: dict[str, Any], make_user: Callable[..., User]) -> dict[str, Any]:
    Division.objects.create(code="370102002", name="趵突泉街道", level=DivisionLevel.TOWNSHIP, parent_id="370102")
    out: dict[str, Any] = {}
    for key, code, name in (("a", "370102001", "解放路街道"), ("b", "370102002", "趵突泉街道")):
        office = Organisation.objects.create(
            name=f"{name}司法所", kind=OrganisationKind.JUDICIAL_OFFICE, division_id=code
        )
        committee = Organisation.objects.create(
            name=f"{name}人民调解委员会", kind=OrganisationKind.MEDIATION_COMMITTEE, division_id=code
        )
        out[key] = {
            "office": office,
            "committee": committee,
            "clerk": make_user(office, (Role.BUREAU_STAFF,), username=f"clerk_{key}", full_name=f"司法所{key}"),
            "mediator": make_user(committee, (Role.MEDIATOR,), username=f"mediator_{key}", full_name=f"调解员{key}"),
            "mediator2": make_user(
                committee, (Role.MEDIATOR,), username=f"mediator2_{key}", full_name=f"调解员{key}二"
            ),
        }
        HandlerProfile.objects.create(user=out[key]["mediator"], skills=["邻里纠纷", "债务纠纷"])
    bureau = world["bureaus"]["370102"]
    out["supervisor"] = make_user(bureau, (Role.SUPERVISOR,), username="sup", full_name="监督员")
    out["county"] = make_user(bureau, (Role.BUREAU_STAFF,), username="county", full_name="区局")
    return out


@pytest.fixture
def citizen(db: Any) -> User:
    return citizen_ensure(mobile=APPLICANT_PHONE)


FORM = {
    "applicant_name": "張三",  # Traditional input is accepted and stored Simplified
    "id_number": APPLICANT_ID,
    "phone": APPLICANT_PHONE,
    "address": "济南市历下区趵突泉北路1号",
    "division": "370102002",
    "location": "趵突泉北路1号楼下",
    "dispute_type": "债务纠纷",
    "amount": "3000",
    "title": "追讨代收运费",
    "facts": "被申请人代收申请人运输费3000元，多年未归还。",
    "request": "请求被申请人归还运输费3000元。",
}


@pytest.fixture
def file_dispute(citizen: User) -> Callable[..., Any]:
    def make(**overrides: Any) -> Any:
        preferred = overrides.pop("preferred_mediator_id", None)
        respondents = overrides.pop(
            "respondents",
            [services.RespondentIn(name="李四", phone=RESPONDENT_PHONE, id_number=RESPONDENT_ID, address="济南市")],
        )
        return services.dispute_file(
            actor=citizen, data={**FORM, **overrides}, respondents=respondents, preferred_mediator_id=preferred
        )

    return make
