"""Demo public details of the legal-aid centres (A3), idempotent: hours, coordinates, address, phone.

Adds two centres next to the foundation's two (济南市, 市中区), so the finder has a choice
to rank by distance. Written through `finder.service_point_save` by the demo bureau accounts (audited).
Called by the wage-arrears demo (`sifa.wage_arrears.demo.demo_load`), which also loads the A13 demo
(`demo_choices`): 历下区法律援助中心's roster (demo_lawyer and a second lawyer demo_lawyer2) and two
applications of the demo citizen naming demo_lawyer2, one waiting for assignment (the choice
preselected), one assigned as chosen.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.accounts.services import phone_lookup, staff_create, totp_device_create
from sifa.cases.models import Case, HandlerProfile
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_transition
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PASSWORD, DEMO_PREFIX, demo_id_number
from sifa.core.phone import parse_mobile
from sifa.legal_aid.finder import service_point_save
from sifa.legal_aid.models import AidLawyer, ServicePoint
from sifa.legal_aid.services import lawyer_assign, legal_aid_apply, roster_add
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Division, Organisation

HOURS = "周一至周五 9:00-12:00，13:30-17:30（法定节假日除外）"

# name, division, address, phone, latitude, longitude, accessibility, editor (demo account suffix)
CENTRES = [
    (
        "济南市法律援助中心",
        "370100",
        "济南市市中区经十路 21777 号（演示地址）",
        "0531-12348",
        "36.651200",
        "117.018600",
        "无障碍通道",
        "bureau_city",
    ),
    (
        "历下区法律援助中心",
        "370102",
        "济南市历下区解放路 112 号（演示地址）",
        "0531-86012348",
        "36.673500",
        "117.054900",
        "无障碍通道；手语预约服务",
        "bureau_county",
    ),
    (
        "市中区法律援助中心",
        "370103",
        "济南市市中区英雄山路 128 号（演示地址）",
        "0531-82012348",
        "36.636800",
        "116.996300",
        "无障碍通道",
        "bureau_shizhong",
    ),
    (
        "都匀市法律援助中心",
        "522701",
        "都匀市剑江中路 36 号（演示地址）",
        "0854-8212348",
        "26.259400",
        "107.518700",
        "布依语、苗语服务",
        "bureau_duyun",
    ),
]


def demo_load() -> list[ServicePoint]:
    points = []
    for name, code, address, phone, lat, lng, access, editor in CENTRES:
        org, _created = Organisation.objects.get_or_create(
            division=Division.objects.get(code=code), name=name, defaults={"kind": OrganisationKind.LEGAL_AID_CENTRE}
        )
        point = ServicePoint.objects.filter(organisation=org).first()
        if point is None:
            actor = User.objects.get(username=DEMO_PREFIX + editor)
            point = service_point_save(
                actor=actor,
                organisation_id=org.pk,
                address=address,
                phone=phone,
                hours=HOURS,
                latitude=lat,
                longitude=lng,
                accessibility=access,
            )
        points.append(point)
    demo_choices()
    return points


PROOF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# key, title, matter type, target stage
CHOICE_APPLICATIONS = [
    ("demo-aid-choice-1", "工伤赔偿（自选律师）", "劳动争议", "assigning"),
    ("demo-aid-choice-2", "抚养费纠纷（自选律师）", "婚姻家庭", "handling"),
]


def _lawyer2(firm: Organisation) -> User:
    username = DEMO_PREFIX + "lawyer2"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_create(
            actor=None, username=username, password=DEMO_PASSWORD, full_name="律师 刘援法", organisation=firm,
            roles=[Role.LAWYER],
        )  # fmt: skip
        totp_device_create(actor=None, user=user)
        HandlerProfile.objects.get_or_create(user=user, defaults={"skills": ["劳动争议", "婚姻家庭"]})
    return user


def demo_choices() -> list[Case]:
    """A13 点餐式 demo, idempotent: the roster and two applications naming demo_lawyer2."""
    definitions_sync()
    officer = User.objects.get(username=DEMO_PREFIX + "legal_aid")
    lawyer = User.objects.get(username=DEMO_PREFIX + "lawyer")
    citizen = User.objects.get(kind=AccountKind.CITIZEN, phone_hash=phone_lookup(parse_mobile(DEMO_CITIZEN_PHONE)))
    centre = officer.organisation
    assert centre is not None
    assert lawyer.organisation is not None
    with transaction.atomic():
        chosen = _lawyer2(lawyer.organisation)
        for member, since in ((lawyer, 2012), (chosen, 2016)):
            if not AidLawyer.objects.filter(centre=centre, lawyer=member).exists():
                roster_add(actor=officer, centre_id=centre.pk, lawyer_id=member.pk, practising_since=since)
    cases = []
    for key, title, matter, target in CHOICE_APPLICATIONS:
        case = legal_aid_apply(
            actor=citizen,
            idempotency_key=key,
            preferred_lawyer_id=chosen.pk,
            data={
                "applicant_name": "张大爷",
                "id_number": demo_id_number("370102", "19560312", "135"),
                "phone": DEMO_CITIZEN_PHONE,
                "division": "370102",
                "matter_type": matter,
                "title": title,
                "facts": f"{title}，申请法律援助并自选律师。",
                "hardship": "城乡最低生活保障对象",
                "monthly_income": "650",
                "declaration": "true",
            },
            files={"hardship_proof": SimpleUploadedFile("低保证明.pdf", PROOF)},
        )
        if case.stage == "review":
            case = case_transition(
                actor=officer, case_id=case.pk, transition="approve", data={"opinion": "符合法律援助条件"}
            )
        if target == "handling" and case.stage == "assigning":
            case = lawyer_assign(actor=officer, case_id=case.pk)
        cases.append(case)
    return cases
