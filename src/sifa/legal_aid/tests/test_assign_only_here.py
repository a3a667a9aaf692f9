"""The reason rule (A13) cannot be bypassed: legal aid's `assign` is not generic, so the engine's case
page does not offer it and the engine's API refuses it; only the centre's page and API assign."""

import pytest
from django.test import Client

from conftest import login_verified
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, CaseEvent
from sifa.cases.services import case_transition
from sifa.cases.tests.conftest import aid_form
from sifa.core.errors import ErrorCode, SifaError
from sifa.legal_aid.models import LawyerChoice
from sifa.legal_aid.services import legal_aid_apply, roster_add


@pytest.fixture
def waiting(aid, citizen):
    """An approved application naming 刘律师 (on the centre's roster), waiting for assignment."""
    liu = aid["lawyers"][0]
    roster_add(actor=aid["officer"], centre_id=aid["centre"].pk, lawyer_id=liu.pk, practising_since=2012)
    case = legal_aid_apply(actor=citizen, data=aid_form(), preferred_lawyer_id=liu.pk)
    return case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})


def _state(case_id: int) -> tuple:
    case = Case.objects.get(pk=case_id)
    return (
        case.stage,
        case.handler_id,
        case.version,
        CaseEvent.objects.filter(case=case).count(),
        AuditEntry.objects.count(),
        LawyerChoice.objects.get(case=case).override_reason,
    )


def test_the_generic_case_page_offers_no_assignment_but_links_to_the_centres_page(waiting, aid):
    html = login_verified(Client(), aid["officer"]).get(f"/cases/{waiting.pk}/").content.decode()
    assert f"/cases/{waiting.pk}/do/assign/" not in html
    assert f'href="/legal-aid/cases/{waiting.pk}/"' in html


def test_the_generic_api_and_form_refuse_to_assign_and_change_nothing(waiting, aid):
    chen = aid["lawyers"][1]  # not the applicant's choice, no reason given
    before = _state(waiting.pk)
    staff = login_verified(Client(), aid["officer"])
    api = staff.post(
        f"/api/v1/cases/{waiting.pk}/transitions/assign",
        {"expected_version": waiting.version, "data": {"handler_id": chen.pk}},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert api.json()["code"] == "forbidden"
    assert api.json()["message"] == "此操作须在本事项的办理页面进行。"
    assert api.json()["details"] == {"transition": "assign", "page": f"/legal-aid/cases/{waiting.pk}/"}
    page = staff.post(f"/cases/{waiting.pk}/do/assign/", {"handler_id": str(chen.pk), "expected_version": "2"})
    assert page.status_code == 422
    assert "此操作须在本事项的办理页面进行。" in page.content.decode()
    with pytest.raises(SifaError) as refused:
        case_transition(actor=aid["officer"], case_id=waiting.pk, transition="assign", data={"handler_id": chen.pk})
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert _state(waiting.pk) == before


def test_a_case_pinned_on_an_older_version_is_closed_too(waiting, aid):
    """A case opened under v3 (where `assign` was still generic) keeps its definition, but the rule
    of the current version decides who may fire `assign`."""
    import hashlib

    from sifa.cases.models import ServiceDefinition

    current = waiting.definition
    source = current.source.replace("generic = false\n", "").replace(f"version = {current.version}", "version = 3")
    old = ServiceDefinition.objects.create(
        code="legal_aid",
        version=3,
        name=current.name,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        source=source,
        is_current=False,
    )
    Case.objects.filter(pk=waiting.pk).update(definition=old)
    before = _state(waiting.pk)
    staff = login_verified(Client(), aid["officer"])
    assert f"/cases/{waiting.pk}/do/assign/" not in staff.get(f"/cases/{waiting.pk}/").content.decode()
    api = staff.post(
        f"/api/v1/cases/{waiting.pk}/transitions/assign",
        {"data": {"handler_id": aid["lawyers"][1].pk}},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert _state(waiting.pk) == before
    # The centre's page still assigns it (the applicant's choice).
    assert staff.post(f"/legal-aid/cases/{waiting.pk}/assign/", {"handler_id": ""}).status_code == 302
    assert Case.objects.get(pk=waiting.pk).handler == aid["lawyers"][0]
