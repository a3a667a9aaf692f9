"""The centres' roster page (A13): centre staff of the centre's scope list, add and remove aid
lawyers (audited), refusals shown on the form with nothing written, and the roster exported to Excel."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import login_verified
from sifa.audit.models import AuditEntry
from sifa.legal_aid.models import AidLawyer
from sifa.legal_aid.services import roster_add


@pytest.fixture
def officer(aid):
    return login_verified(Client(), aid["officer"])


def _counts():
    return (AidLawyer.objects.count(), AidLawyer.objects.filter(active=True).count(), AuditEntry.objects.count())


def test_centre_staff_add_and_remove_lawyers_and_each_change_is_audited(aid, officer):
    centre, liu = aid["centre"], aid["lawyers"][0]
    listing = officer.get("/legal-aid/rosters/").content.decode()
    assert "历下区法律援助中心" in listing
    assert "市中区法律援助中心" not in listing
    page = officer.get(f"/legal-aid/rosters/{centre.pk}/").content.decode()
    assert f'<option value="{liu.pk}">刘律师（泉城律师事务所）</option>' in page
    assert "周律师" not in page  # a lawyer of another county is not offered

    added = officer.post(f"/legal-aid/rosters/{centre.pk}/", {"lawyer_id": str(liu.pk), "practising_since": "2012"})
    assert added.status_code == 302
    entry = AidLawyer.objects.get(centre=centre, lawyer=liu)
    assert (entry.active, entry.practising_since, entry.added_by) == (True, 2012, aid["officer"])
    audit = AuditEntry.objects.get(action="legal_aid.roster_add")
    assert (audit.actor_id, audit.target_id) == (aid["officer"].pk, str(entry.pk))
    assert f'id="entry-{liu.pk}"' in officer.get(f"/legal-aid/rosters/{centre.pk}/").content.decode()

    removed = officer.post(f"/legal-aid/rosters/{centre.pk}/remove/{liu.pk}/")
    assert removed.status_code == 302
    entry.refresh_from_db()
    assert entry.active is False
    assert AuditEntry.objects.filter(action="legal_aid.roster_remove", target_id=str(entry.pk)).count() == 1
    assert "已移出" in officer.get(f"/legal-aid/rosters/{centre.pk}/").content.decode()


def test_refusals_are_shown_on_the_form_and_leave_the_database_unchanged(aid, officer):
    centre = aid["centre"]
    before = _counts()
    far = officer.post(
        f"/legal-aid/rosters/{centre.pk}/", {"lawyer_id": str(aid["far_lawyer"].pk), "practising_since": "2012"}
    )
    assert far.status_code == 422
    assert "只能将本辖区律师事务所的执业律师列入名册" in far.content.decode()
    too_early = officer.post(
        f"/legal-aid/rosters/{centre.pk}/", {"lawyer_id": str(aid["lawyers"][0].pk), "practising_since": "1900"}
    )
    assert too_early.status_code == 422
    assert "首次执业年份应在 1950 至" in too_early.content.decode()
    empty = officer.post(f"/legal-aid/rosters/{centre.pk}/", {"lawyer_id": "", "practising_since": "x"})
    assert empty.status_code == 422
    assert officer.post(f"/legal-aid/rosters/{centre.pk}/remove/{aid['lawyers'][0].pk}/").status_code == 404
    assert _counts() == before


def test_staff_of_another_county_get_404_and_change_nothing(aid):
    centre, liu = aid["centre"], aid["lawyers"][0]
    roster_add(actor=aid["officer"], centre_id=centre.pk, lawyer_id=liu.pk, practising_since=2012)
    before = _counts()
    far = login_verified(Client(), aid["far_officer"])
    assert "历下区法律援助中心" not in far.get("/legal-aid/rosters/").content.decode()
    assert far.get(f"/legal-aid/rosters/{centre.pk}/").status_code == 404
    assert far.get(f"/legal-aid/rosters/{centre.pk}/export.xlsx").status_code == 404
    assert (
        far.post(
            f"/legal-aid/rosters/{centre.pk}/", {"lawyer_id": str(aid["lawyers"][1].pk), "practising_since": "2015"}
        ).status_code
        == 404
    )
    assert far.post(f"/legal-aid/rosters/{centre.pk}/remove/{liu.pk}/").status_code == 404
    assert login_verified(Client(), liu).get("/legal-aid/rosters/").status_code == 403  # a lawyer keeps no roster
    assert _counts() == before


def test_the_export_holds_the_rosters_rows(aid, officer):
    centre, liu, yang = aid["centre"], aid["lawyers"][0], aid["lawyers"][2]
    roster_add(actor=aid["officer"], centre_id=centre.pk, lawyer_id=liu.pk, practising_since=2012)
    roster_add(actor=aid["officer"], centre_id=centre.pk, lawyer_id=yang.pk, practising_since=2020)
    officer.post(f"/legal-aid/rosters/{centre.pk}/remove/{yang.pk}/")
    response = officer.get(f"/legal-aid/rosters/{centre.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = [r[:4] for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows == [
        ("律师", "律师事务所", "首次执业年份", "状态"),
        ("刘律师", "泉城律师事务所", 2012, "在册"),
        ("杨律师", "大明湖律师事务所", 2020, "已移出"),
    ]
