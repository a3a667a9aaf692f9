"""点餐式 (A13) for notarization: the applicant picks a notary of the office applied to; the office's
acceptance preselects that notary and needs a reason to assign someone else."""

from datetime import date

import pytest
from django.test import Client

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.accounts.services import api_token_create
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, CaseEvent
from sifa.core.errors import ErrorCode, SifaError
from sifa.notary import services
from sifa.notary.choices import Channel
from sifa.notary.models import Application
from sifa.notary.notaries import notaries_for_office
from sifa.notary.tests.conftest import form
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

NOTARY_MOBILE = "13755554444"


def citizen_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="sifa.accounts.backends.SmsCodeBackend")
    return client


@pytest.fixture
def offices(office, make_user):
    """泉城公证处 (历下区: 赵公正 since 2008, 钱公证 since 2019) and 市中公证处 (市中区: 孙公证)."""
    office["notary2"].phone = NOTARY_MOBILE
    office["notary2"].save(update_fields=["phone"])
    services.notary_profile_set(actor=None, notary_id=office["notary"].pk, practising_since=2008)
    services.notary_profile_set(actor=None, notary_id=office["notary2"].pk, practising_since=2019)
    other = Organisation.objects.create(
        name="济南市市中公证处", kind=OrganisationKind.NOTARY_OFFICE, division_id="370103"
    )
    office["other_org"] = other
    office["other_notary"] = make_user(other, (Role.NOTARY,), full_name="孙公证")
    return office


def _apply(o, notary=None, key="k1"):
    return services.notary_apply(
        actor=o["citizen"],
        channel=Channel.WEB,
        data=form(),
        idempotency_key=key,
        office_id=o["org"].pk,
        preferred_notary_id=notary.pk if notary else None,
    )


def _counts():
    return (Case.objects.count(), Application.objects.count(), AuditEntry.objects.count(), CaseEvent.objects.count())


def test_candidates_are_the_offices_notaries_with_public_facts_only(offices):
    cards = notaries_for_office(offices["org"].pk)
    assert [c.user.full_name for c in cards] == ["赵公正", "钱公证"]
    assert [(c.years, c.handled, c.load) for c in cards] == [
        (date.today().year - 2008, 0, 0),
        (date.today().year - 2019, 0, 0),
    ]
    assert [c.user.full_name for c in notaries_for_office(offices["other_org"].pk)] == ["孙公证"]

    body = Client().get(f"/api/v1/notary/offices/{offices['org'].pk}/notaries").json()
    assert [r["name"] for r in body] == ["赵公正", "钱公证"]
    assert set(body[0]) == {"id", "name", "office", "years_of_practice", "matters_handled", "open_cases"}
    fragment = citizen_client(offices["citizen"]).get(f"/notary/offices/notaries/?office={offices['org'].pk}")
    html = fragment.content.decode()
    assert "钱公证" in html
    assert "孙公证" not in html
    assert NOTARY_MOBILE not in html
    assert NOTARY_MOBILE not in str(body)


def test_the_portal_form_stores_the_choice_and_acceptance_preselects_it(offices):
    client = citizen_client(offices["citizen"])
    chosen = offices["notary2"]
    fields = {**form(), "office": str(offices["org"].pk), "idempotency_key": "w1"}
    listing = client.post("/notary/apply/birth/", {**fields, "show_notaries": "1"})  # the no-script button
    assert listing.status_code == 200
    assert f'value="{chosen.pk}"' in listing.content.decode()
    assert not Case.objects.exists()
    response = client.post("/notary/apply/birth/", {**fields, "preferred_notary_id": str(chosen.pk)})
    case = Case.objects.get(service_code="notarization")
    assert response.status_code == 302
    application = Application.objects.get(case=case)
    assert (application.preferred_notary, application.office) == (chosen, offices["org"])
    assert "钱公证" in client.get(f"/notary/my/{case.pk}/").content.decode()

    accepting = login_verified(Client(), offices["notary"])
    page = accepting.get(f"/notary/cases/{case.pk}/").content.decode()
    assert f'value="{chosen.pk}" id="h-{chosen.pk}" checked' in page
    assert accepting.post(f"/notary/cases/{case.pk}/accept/", {"handler_id": str(chosen.pk)}).status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.handler) == ("handling", chosen)
    assert AuditEntry.objects.filter(action="notary.notary_choice_followed").count() == 1


def test_a_notary_of_another_office_is_refused_and_nothing_is_written(offices):
    partner = offices["notary"]
    token = api_token_create(actor=partner, user=partner, name="partner")
    before = _counts()
    with pytest.raises(SifaError) as refused:
        _apply(offices, offices["other_notary"])
    assert refused.value.details == {"preferred_notary": "所选公证员不属于您申请的公证机构，请重新选择"}
    page = citizen_client(offices["citizen"]).post(
        "/notary/apply/birth/",
        {**form(), "office": str(offices["org"].pk), "preferred_notary_id": str(offices["other_notary"].pk)},
    )
    assert page.status_code == 422
    assert "所选公证员不属于您申请的公证机构" in page.content.decode()
    api = Client(headers={"Authorization": f"Bearer {token}"}).post(
        "/api/v1/notary/applications",
        {
            "partner": "爱山东APP",
            "idempotency_key": "p1",
            "data": form(),
            "office_id": offices["org"].pk,
            "preferred_notary_id": offices["other_notary"].pk,
        },
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["details"] == {"preferred_notary": "所选公证员不属于您申请的公证机构，请重新选择"}
    assert _counts() == before


def test_assigning_someone_else_needs_a_reason_which_is_audited_and_shown_to_the_applicant(offices):
    case = _apply(offices, offices["notary2"])
    before = (_counts(), Case.objects.get(pk=case.pk).version)
    accepting = login_verified(Client(), offices["notary"])
    refused = accepting.post(f"/notary/cases/{case.pk}/accept/", {"handler_id": str(offices["notary"].pk)})
    assert refused.status_code == 422
    assert "必须填写理由" in refused.content.decode()
    with pytest.raises(SifaError) as other_office:
        services.notary_assign(
            actor=offices["notary"], case_id=case.pk, handler_id=offices["other_notary"].pk, reason="人手不足"
        )
    assert other_office.value.details == {"handler_id": "只能指派本公证机构的公证员"}
    assert (_counts(), Case.objects.get(pk=case.pk).version) == before

    response = accepting.post(
        f"/notary/cases/{case.pk}/accept/", {"handler_id": str(offices["notary"].pk), "reason": "钱公证员本周休假"}
    )
    assert response.status_code == 302
    application = Application.objects.get(case=case)
    assert (application.override_reason, application.overridden_by) == ("钱公证员本周休假", offices["notary"])
    assert Case.objects.get(pk=case.pk).handler == offices["notary"]
    entry = AuditEntry.objects.get(action="notary.notary_override")
    assert entry.actor_id == offices["notary"].pk
    mine = citizen_client(offices["citizen"]).get(f"/notary/my/{case.pk}/").content.decode()
    assert "未按您的选择指派：钱公证员本周休假" in mine
    api = accepting.get(f"/api/v1/notary/applications/{case.pk}").json()
    assert (api["preferred_notary"], api["handler_name"], api["override_reason"]) == (
        "钱公证",
        "赵公正",
        "钱公证员本周休假",
    )


def test_assignment_api_defaults_to_the_choice(offices):
    case = _apply(offices, offices["notary2"])
    client = login_verified(Client(), offices["notary"])
    response = client.post(f"/api/v1/notary/applications/{case.pk}/assign", {}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["handler_name"] == "钱公证"
    with pytest.raises(SifaError) as wrong_code:
        services.notary_assign(actor=offices["notary"], case_id=case.pk)
    assert wrong_code.value.code == ErrorCode.STALE_VERSION  # already accepted


def test_the_generic_pages_cannot_accept_around_the_choice(offices):
    """`accept` is the office's own transition: the engine's case page does not offer it, its API
    refuses it and nothing changes; the office's page does it with the choice-and-reason rule."""
    case = _apply(offices, offices["notary2"])
    before = (_counts(), Case.objects.get(pk=case.pk).version, Application.objects.get(case=case).override_reason)
    staff = login_verified(Client(), offices["notary"])
    assert f"/cases/{case.pk}/do/accept/" not in staff.get(f"/cases/{case.pk}/").content.decode()
    api = staff.post(
        f"/api/v1/cases/{case.pk}/transitions/accept",
        {"data": {"handler_id": offices["notary"].pk}},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert api.json()["details"] == {"transition": "accept", "page": f"/notary/cases/{case.pk}/"}
    after = (_counts(), Case.objects.get(pk=case.pk).version, Application.objects.get(case=case).override_reason)
    assert after == before
