"""Demo data: two provinces' divisions, organisations, one account per role, a few residents.

Idempotent: running it again creates nothing new and changes nothing. Demo usernames start with
`demo_`; only those accounts get their current TOTP code printed by `sifa demo_otp`.
"""

import base64
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import citizen_ensure, staff_create, totp_device_create
from sifa.core import idnumber
from sifa.people.models import Person
from sifa.people.services import PersonData, person_create
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Division, Organisation

DEMO_PASSWORD = "Sifa-demo-2026"  # noqa: S105 - printed to the console on purpose; demo accounts only
DEMO_PREFIX = "demo_"


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    kind: OrganisationKind
    division: str  # a division code, or "first-township-of:<county code>"


ORGS = [
    DemoOrg("sd", "山东省司法厅", OrganisationKind.JUDICIAL_BUREAU, "370000"),
    DemoOrg("jn", "济南市司法局", OrganisationKind.JUDICIAL_BUREAU, "370100"),
    DemoOrg("lx", "济南市历下区司法局", OrganisationKind.JUDICIAL_BUREAU, "370102"),
    DemoOrg("sz", "济南市市中区司法局", OrganisationKind.JUDICIAL_BUREAU, "370103"),
    DemoOrg("lx_office", "历下区第一司法所", OrganisationKind.JUDICIAL_OFFICE, "first-township-of:370102"),
    DemoOrg("lx_aid", "历下区法律援助中心", OrganisationKind.LEGAL_AID_CENTRE, "370102"),
    DemoOrg("lx_med", "历下区第一街道人民调解委员会", OrganisationKind.MEDIATION_COMMITTEE, "first-township-of:370102"),
    DemoOrg("lx_firm", "山东泉城律师事务所", OrganisationKind.LAW_FIRM, "370102"),
    DemoOrg("jn_notary", "济南市泉城公证处", OrganisationKind.NOTARY_OFFICE, "370102"),
    DemoOrg("jn_appraisal", "济南市明湖司法鉴定中心", OrganisationKind.APPRAISAL_INSTITUTION, "370103"),
    DemoOrg("jn_arb", "济南仲裁委员会", OrganisationKind.ARBITRATION_COMMISSION, "370100"),
    DemoOrg("gz", "贵州省司法厅", OrganisationKind.JUDICIAL_BUREAU, "520000"),
    DemoOrg("qn", "黔南州司法局", OrganisationKind.JUDICIAL_BUREAU, "522700"),
    DemoOrg("dy", "都匀市司法局", OrganisationKind.JUDICIAL_BUREAU, "522701"),
    DemoOrg("fq", "福泉市司法局", OrganisationKind.JUDICIAL_BUREAU, "522702"),
    DemoOrg("dy_aid", "都匀市法律援助中心", OrganisationKind.LEGAL_AID_CENTRE, "522701"),
    DemoOrg("dy_med", "都匀市第一人民调解委员会", OrganisationKind.MEDIATION_COMMITTEE, "first-township-of:522701"),
]

# username suffix, full name, organisation key, roles
ACCOUNTS = [
    ("mediator", "调解员 李调和", "lx_med", [Role.MEDIATOR]),
    ("lawyer", "律师 王明法", "lx_firm", [Role.LAWYER]),
    ("notary", "公证员 赵公正", "jn_notary", [Role.NOTARY]),
    ("arbitration", "仲裁秘书 钱仲裁", "jn_arb", [Role.ARBITRATION_STAFF]),
    ("arbitrator", "仲裁员 冯公断", "jn_arb", [Role.ARBITRATOR]),
    ("appraiser", "鉴定人 严鉴定", "jn_appraisal", [Role.APPRAISER]),
    ("legal_aid", "法援 孙援助", "lx_aid", [Role.LEGAL_AID_OFFICER]),
    ("bureau_province", "省厅 周省级", "sd", [Role.BUREAU_STAFF]),
    ("bureau_city", "市局 吴市级", "jn", [Role.BUREAU_STAFF]),
    ("bureau_county", "区局 郑县级", "lx", [Role.BUREAU_STAFF]),
    ("bureau_township", "司法所 冯乡级", "lx_office", [Role.BUREAU_STAFF]),
    ("bureau_shizhong", "市中区局 陈县级", "sz", [Role.BUREAU_STAFF]),
    ("bureau_duyun", "都匀市局 韦县级", "dy", [Role.BUREAU_STAFF]),
    ("supervisor", "监督 褚监督", "jn", [Role.SUPERVISOR]),
    ("integrity", "核查 卫廉政", "sd", [Role.INTEGRITY_OFFICER]),
    ("analyst", "分析 蒋数据", "sd", [Role.ANALYST]),
    ("auditor", "审计管理员 沈审计", "sd", [Role.AUDITOR]),
    ("security_admin", "安全管理员 韩安全", "sd", [Role.SECURITY_ADMIN]),
    ("system_admin", "系统管理员 杨系统", "sd", [Role.SYSTEM_ADMIN]),
]

RESIDENTS = [
    ("张建国", "370102", "19650312", "137", "13805310001"),
    ("李秀英", "370102", "19580721", "284", "13805310002"),
    ("王丽", "370103", "19900105", "362", "13805310003"),
    ("刘伟", "370103", "19851130", "417", "13805310004"),
    ("韦阿妹", "522701", "19780808", "520", "13908540005"),
    ("吴德明", "522701", "19700215", "613", "13908540006"),
]

DEMO_CITIZEN_PHONE = "13800000001"


def demo_id_number(region: str, birth: str, sequence: str) -> str:
    first17 = region + birth + sequence
    return first17 + idnumber.check_char(first17)


def _division_for(spec: str) -> Division:
    if spec.startswith("first-township-of:"):
        county = spec.split(":", 1)[1]
        return Division.objects.filter(parent_id=county).order_by("code").first() or Division.objects.get(code=county)
    return Division.objects.get(code=spec)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    organisation: str
    roles: list[str]
    totp_secret_b32: str


@transaction.atomic
def demo_load() -> list[DemoAccount]:
    orgs: dict[str, Organisation] = {}
    for spec in ORGS:
        division = _division_for(spec.division)
        orgs[spec.key], _ = Organisation.objects.get_or_create(
            division=division, name=spec.name, defaults={"kind": spec.kind}
        )
    accounts = []
    for suffix, full_name, org_key, roles in ACCOUNTS:
        username = DEMO_PREFIX + suffix
        user = User.objects.filter(username=username).first()
        if user is None:
            user = staff_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                organisation=orgs[org_key],
                roles=roles,
            )
        device = TOTPDevice.objects.filter(user=user).first() or totp_device_create(actor=None, user=user)
        secret = base64.b32encode(device.bin_key).decode()
        accounts.append(DemoAccount(username, full_name, orgs[org_key].name, [str(r) for r in roles], secret))
    citizen_ensure(mobile=DEMO_CITIZEN_PHONE, full_name="群众 张大爷")
    clerk = {"370102": "bureau_county", "370103": "bureau_shizhong", "522701": "bureau_duyun"}
    for name, county, birth, seq, mobile in RESIDENTS:
        if Person.objects.filter(name=name, division_id=county).exists():
            continue
        actor = User.objects.get(username=DEMO_PREFIX + clerk[county])
        id_number = demo_id_number(county, birth, seq)
        person_create(actor=actor, data=PersonData(name=name, id_number=id_number, phone=mobile, division_code=county))
    return accounts
