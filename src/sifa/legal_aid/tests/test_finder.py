"""求法援 (A3): centres by region, nearest first; the public page and API; the audited staff edit."""

import pytest

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.core.errors import ErrorCode, SifaError
from sifa.legal_aid import finder
from sifa.legal_aid.models import ServicePoint
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres(world, make_staff):
    clerk = make_staff("370100", (Role.BUREAU_STAFF,))
    made = {}
    for name, code, lat, lng in (
        ("历下区法律援助中心", "370102", "36.6735", "117.0549"),
        ("市中区法律援助中心", "370103", "36.6368", "116.9963"),
    ):
        org = Organisation.objects.create(name=name, kind=OrganisationKind.LEGAL_AID_CENTRE, division_id=code)
        finder.service_point_save(
            actor=clerk,
            organisation_id=org.pk,
            address=f"{name}地址",
            phone="0531-12348",
            hours="周一至周五 9:00-17:00",
            latitude=lat,
            longitude=lng,
        )
        made[code] = org
    return made


def test_region_filter_and_nearest_first(centres):
    assert [c.name for c in finder.centres(division="370100")] == ["历下区法律援助中心", "市中区法律援助中心"]
    near_shizhong = finder.centres(division="370100", position=(36.64, 116.99))
    assert [c.name for c in near_shizhong] == ["市中区法律援助中心", "历下区法律援助中心"]
    assert near_shizhong[0].distance_km is not None
    assert near_shizhong[0].distance_km < near_shizhong[1].distance_km
    assert [c.name for c in finder.centres(division="370103")] == ["市中区法律援助中心"]
    # no centre in 都匀市 and none above it: nothing
    assert finder.centres(division="522701") == []


def test_haversine_jinan_to_duyun():
    assert 1400 < finder.haversine_km(36.67, 117.05, 26.26, 107.52) < 1500


def test_public_page_without_javascript_lists_the_centre(client, centres):
    response = client.get("/legal-aid/centres/", {"province": "370000", "division": "370103"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "市中区法律援助中心" in body
    assert "历下区法律援助中心" not in body
    assert "周一至周五 9:00-17:00" in body


def test_api_orders_by_distance_and_refuses_bad_positions(client, centres):
    response = client.get("/api/v1/legal-aid/centres", {"division": "370100", "lat": "36.67", "lng": "117.05"})
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["历下区法律援助中心", "市中区法律援助中心"]
    assert client.get("/api/v1/legal-aid/centres", {"lat": "95", "lng": "117"}).status_code == 422
    assert client.get("/api/v1/legal-aid/centres", {"division": "999999"}).status_code == 422


def test_edit_is_scoped_and_audited(centres, make_staff):
    outsider = make_staff("522701", (Role.BUREAU_STAFF,))
    before = AuditEntry.objects.filter(action="legal_aid.service_point_save").count()
    with pytest.raises(SifaError) as caught:
        finder.service_point_save(
            actor=outsider,
            organisation_id=centres["370102"].pk,
            address="x",
            phone="1",
            hours="h",
            latitude="1",
            longitude="1",
        )
    assert caught.value.code == ErrorCode.NOT_FOUND
    county = make_staff("370102", (Role.BUREAU_STAFF,))
    with pytest.raises(SifaError) as caught:
        finder.service_point_save(
            actor=county,
            organisation_id=centres["370102"].pk,
            address="新地址",
            phone="0531-1",
            hours="全天",
            latitude="91",
            longitude="117",
        )
    assert "latitude" in caught.value.details
    assert ServicePoint.objects.get(organisation=centres["370102"]).hours == "周一至周五 9:00-17:00"
    assert AuditEntry.objects.filter(action="legal_aid.service_point_save").count() == before
