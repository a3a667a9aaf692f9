"""Judicial appraisal through the services: intake (with the applicant's choice), assignment to a
registered institution of the category, acceptance with two appraisers or decline, extension by the
head, report upload (PDF by content, SHA-256 audited), deadlines, rating and follow-up."""

import hashlib
from datetime import timedelta
from typing import Any

import pytest

from sifa.appraisal import services
from sifa.appraisal.models import Commission, Decline, Extension, Report
from sifa.appraisal.tests.conftest import PDF, intake_form, pdf
from sifa.audit.models import AuditEntry
from sifa.cases import calendar as cal
from sifa.cases.models import Case, FollowUp
from sifa.cases.services import case_rate, case_transition
from sifa.cases.supervision import deadline_scan
from sifa.core.errors import SifaError

pytestmark = pytest.mark.django_db


def intake(lab: dict[str, Any], institution: Any = None, **overrides: Any) -> Case:
    return services.appraisal_intake(
        actor=lab["citizen"], data=intake_form(**overrides), files={"materials": pdf()}, institution_id=institution
    )


def accepted(lab: dict[str, Any]) -> Case:
    case = intake(lab, lab["org"].pk)
    services.institution_assign(actor=lab["bureau"], case_id=case.pk)
    return services.commission_accept(
        actor=lab["head"], case_id=case.pk, appraiser_ids=[lab["head"].pk, lab["second"].pk]
    )


def test_intake_records_the_applicants_choice_and_assignment_follows_it(lab: dict[str, Any]) -> None:
    case = intake(lab, lab["org"].pk)
    assert case.stage == "assigning"
    assert Commission.objects.get(case=case).requested == lab["org"]
    moved = services.institution_assign(actor=lab["bureau"], case_id=case.pk)
    assert moved.stage == "institution_review"
    assert moved.handler == lab["head"]
    assert Commission.objects.get(case=case).institution == lab["org"]


def test_an_institution_not_registered_for_the_category_cannot_be_chosen(lab: dict[str, Any]) -> None:
    with pytest.raises(SifaError) as exc:
        intake(lab, lab["other"].pk)  # registered for 环境损害 only
    assert "institution" in exc.value.details
    assert not Case.objects.exists()
    case = intake(lab)
    with pytest.raises(SifaError):
        services.institution_assign(actor=lab["bureau"], case_id=case.pk, institution_id=lab["other"].pk)
    case.refresh_from_db()
    assert case.stage == "assigning"


def test_acceptance_needs_two_distinct_appraisers_of_the_institution(lab: dict[str, Any]) -> None:
    case = intake(lab, lab["org"].pk)
    services.institution_assign(actor=lab["bureau"], case_id=case.pk)
    for ids in ([lab["head"].pk], [lab["head"].pk, lab["head"].pk], [lab["head"].pk, lab["outsider"].pk]):
        with pytest.raises(SifaError) as exc:
            services.commission_accept(actor=lab["head"], case_id=case.pk, appraiser_ids=ids)
        assert "appraisers" in exc.value.details
    case.refresh_from_db()
    assert case.stage == "institution_review"
    with pytest.raises(SifaError) as forbidden:
        services.commission_accept(
            actor=lab["second"], case_id=case.pk, appraiser_ids=[lab["head"].pk, lab["second"].pk]
        )
    assert forbidden.value.code in ("forbidden", "not_found")
    moved = services.commission_accept(
        actor=lab["head"], case_id=case.pk, appraiser_ids=[lab["head"].pk, lab["second"].pk]
    )
    assert moved.stage == "appraising"
    assert moved.deadline_at == cal.due(moved.updated_at, 30, "working")
    c = Commission.objects.get(case=case)
    assert (c.first_appraiser, c.second_appraiser) == (lab["head"], lab["second"])


def test_decline_returns_the_case_to_assignment_with_the_reason(lab: dict[str, Any]) -> None:
    case = intake(lab, lab["org"].pk)
    services.institution_assign(actor=lab["bureau"], case_id=case.pk)
    with pytest.raises(SifaError):
        services.commission_decline(actor=lab["head"], case_id=case.pk, reason=" ")
    moved = services.commission_decline(actor=lab["head"], case_id=case.pk, reason="本机构暂无该项目的检验设备")
    assert moved.stage == "assigning"
    assert Decline.objects.get().reason == "本机构暂无该项目的检验设备"
    assert Commission.objects.get(case=case).institution is None


def test_extension_by_the_head_adds_working_days_to_the_running_deadline_once(lab: dict[str, Any]) -> None:
    case = accepted(lab)
    before = case.deadline_at
    with pytest.raises(SifaError) as exc:
        services.extension_approve(actor=lab["second"], case_id=case.pk, days=10, reason="需补充检验")
    assert exc.value.code in ("forbidden", "not_found")
    with pytest.raises(SifaError) as too_long:
        services.extension_approve(actor=lab["head"], case_id=case.pk, days=31, reason="需补充检验")
    assert "days" in too_long.value.details
    extension = services.extension_approve(actor=lab["head"], case_id=case.pk, days=10, reason="需补充检验")
    case.refresh_from_db()
    assert case.stage == "extended"
    assert extension.deadline_before == before
    expected = cal.end_of_day(cal.calendar().add_working_days(cal.local_date(before - timedelta(microseconds=1)), 10))
    assert case.deadline_at == expected
    assert Extension.objects.count() == 1
    assert AuditEntry.objects.filter(action="appraisal.extend").count() == 1


def test_report_upload_closes_the_case_and_audits_the_hash(lab: dict[str, Any]) -> None:
    case = accepted(lab)
    with pytest.raises(SifaError) as exc:
        services.report_upload(
            actor=lab["head"], case_id=case.pk, upload=pdf("r.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20), summary="x"
        )
    assert "report" in exc.value.details
    report = services.report_upload(
        actor=lab["head"], case_id=case.pk, upload=pdf("鉴定意见书.pdf"), summary="构成十级伤残"
    )
    case.refresh_from_db()
    assert (case.stage, case.status) == ("closed", "closed")
    assert report.sha256 == hashlib.sha256(PDF).hexdigest()
    assert case.attachments.get(field="report").sha256 == report.sha256
    assert AuditEntry.objects.filter(action="appraisal.report").count() == 1


def test_overdue_appraisal_turns_red_and_a_rating_below_satisfied_opens_a_follow_up(lab: dict[str, Any]) -> None:
    case = accepted(lab)
    deadline_scan(now=case.deadline_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.alert == "red"
    services.report_upload(actor=lab["head"], case_id=case.pk, upload=pdf(), summary="构成十级伤残")
    case_rate(actor=lab["citizen"], case_id=case.pk, score="unsatisfied", comment="超期")
    assert FollowUp.objects.get(case=case).assignee == lab["supervisor"]


def test_supplement_pauses_the_clock(lab: dict[str, Any]) -> None:
    case = accepted(lab)
    moved = case_transition(
        actor=lab["head"], case_id=case.pk, transition="request_materials", data={"missing": "补充影像资料"}
    )
    assert moved.paused_at is not None
    back = case_transition(actor=lab["citizen"], case_id=case.pk, transition="resubmit", files={"material": pdf()})
    assert back.stage == "appraising"
    assert back.paused_at is None
    assert back.deadline_at >= case.deadline_at


def test_report_needs_two_appraisers_even_if_the_engine_was_used_directly(lab: dict[str, Any]) -> None:
    case = intake(lab, lab["org"].pk)
    services.institution_assign(actor=lab["bureau"], case_id=case.pk)
    with pytest.raises(SifaError) as generic:  # the generic case page cannot fire it
        case_transition(actor=lab["head"], case_id=case.pk, transition="accept", data={"appraisers": "严鉴定"})
    assert generic.value.code == "forbidden"
    case_transition(
        actor=lab["head"], case_id=case.pk, transition="accept", data={"appraisers": "严鉴定"}, own_service=True
    )
    with pytest.raises(SifaError) as exc:
        services.report_upload(actor=lab["head"], case_id=case.pk, upload=pdf(), summary="x")
    assert exc.value.code == "conflict"
    assert not Report.objects.exists()


def test_both_named_appraisers_see_the_case_and_no_other_appraiser_does(lab: dict[str, Any]) -> None:
    from sifa.cases.access import can_see
    from sifa.cases.selectors import case_visible

    case = intake(lab, lab["org"].pk)
    services.institution_assign(actor=lab["bureau"], case_id=case.pk)
    assert not can_see(lab["second"], case)
    case = services.commission_accept(
        actor=lab["head"], case_id=case.pk, appraiser_ids=[lab["head"].pk, lab["second"].pk]
    )
    assert can_see(lab["second"], case)
    assert list(case_visible(user=lab["second"]).filter(pk=case.pk)) == [case]
    assert not can_see(lab["outsider"], case)
