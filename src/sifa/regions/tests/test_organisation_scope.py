"""Organisations are read through the data scope on every page and endpoint (#2 parts 3-4)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_other_county_gets_404_on_every_organisation_page_and_endpoint(world, staff_client):
    lixia = world["bureaus"]["370102"]
    client = staff_client("370103")
    for url in (f"/regions/organisations/{lixia.pk}/", f"/api/v1/regions/organisations/{lixia.pk}"):
        assert client.get(url).status_code == 404, url
    names = [o["name"] for o in client.get("/api/v1/regions/organisations").json()["items"]]
    assert names == ["市中区司法局"]
    assert "历下区司法局" not in client.get("/regions/organisations/").content.decode()


def test_city_staff_see_their_counties_and_not_the_province(world, staff_client):
    client = staff_client("370100")
    names = {o["name"] for o in client.get("/api/v1/regions/organisations").json()["items"]}
    assert names == {"济南市司法局", "历下区司法局", "市中区司法局"}
    province = world["bureaus"]["370000"]
    assert client.get(f"/api/v1/regions/organisations/{province.pk}").status_code == 404


def test_anonymous_gets_401_from_the_api_and_the_login_page_from_pages(world):
    org = world["bureaus"]["370102"]
    assert Client().get(f"/api/v1/regions/organisations/{org.pk}").status_code == 401
    assert Client().get(f"/regions/organisations/{org.pk}/").status_code == 302
