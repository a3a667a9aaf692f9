"""Demo public details of the legal-aid centres (A3), idempotent: hours, coordinates, address, phone.

Adds two centres next to the foundation's two (济南市, 市中区), so the finder has a choice
to rank by distance. Written through `finder.service_point_save` by the demo bureau accounts (audited).
Called by the wage-arrears demo (`sifa.wage_arrears.demo.demo_load`).
"""

from sifa.accounts.models import User
from sifa.core.demo import DEMO_PREFIX
from sifa.legal_aid.finder import service_point_save
from sifa.legal_aid.models import ServicePoint
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
    return points
