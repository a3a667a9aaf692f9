"""A legal-aid case through the services: review, assignment, closure with documents, rating, follow-up."""

import pytest

from sifa.audit.verify import verify_log
from sifa.cases.models import CaseDocument, CaseStatus, Defect, FollowUp, FollowUpStatus, Notification
from sifa.cases.services import case_rate, case_submit, case_transition, follow_up_complete
from sifa.cases.tests.conftest import aid_form, pdf_upload
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents.selectors import document_get_for_case_ref


@pytest.fixture
def closed_case(world, citizen, aid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = case_submit(
            actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()}
        )
        case = case_transition(
            actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"}
        )
        case = case_transition(
            actor=aid["officer"],
            case_id=case.pk,
            transition="assign",
            data={"strategy": "manual", "handler_id": aid["lawyers"][1].pk},
            own_service=True,
        )
        case = case_transition(
            actor=aid["lawyers"][1],
            case_id=case.pk,
            transition="close",
            data={"outcome": "胜诉或达成调解", "summary": "已调解"},
        )
    return case


def test_the_case_closes_with_its_three_documents_and_no_defect(closed_case, aid):
    assert (closed_case.stage, closed_case.status, closed_case.handler) == (
        "closed",
        CaseStatus.CLOSED,
        aid["lawyers"][1],
    )
    kinds = list(CaseDocument.objects.filter(case=closed_case).values_list("kind", flat=True))
    assert kinds == ["legal_aid_decision", "legal_aid_assignment", "legal_aid_closure"]
    closure = CaseDocument.objects.get(case=closed_case, kind="legal_aid_closure")
    document = document_get_for_case_ref(case_ref=closed_case.reference, document_id=closure.document_id)
    assert document.code == closure.code
    assert document.pdf.read()[:5] == b"%PDF-"
    assert not Defect.objects.filter(case=closed_case).exists()
    assert verify_log().ok


def test_the_applicant_is_told_at_every_public_step(closed_case, citizen):
    kinds = list(
        Notification.objects.filter(user=citizen, case=closed_case).order_by("id").values_list("message", flat=True)
    )
    assert len(kinds) == 4
    assert "已提交" in kinds[0]
    assert "当前环节：已结案" in kinds[-1]


def test_only_the_assigned_lawyer_may_close(world, citizen, aid):
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    case = case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})
    case = case_transition(
        actor=aid["officer"],
        case_id=case.pk,
        transition="assign",
        data={"handler_id": aid["lawyers"][0].pk},
        own_service=True,
    )
    with pytest.raises(SifaError) as refused:
        case_transition(
            actor=aid["lawyers"][1], case_id=case.pk, transition="close", data={"outcome": "部分支持", "summary": "x"}
        )
    assert refused.value.code == ErrorCode.NOT_FOUND  # another lawyer does not even see the case


def test_unsatisfied_rating_opens_a_follow_up_for_the_centres_supervisor(closed_case, citizen, aid):
    rating = case_rate(actor=citizen, case_id=closed_case.pk, score="unsatisfied", comment="律师联系不及时")
    follow_up = FollowUp.objects.get(case=closed_case)
    assert (rating.score, follow_up.assignee, follow_up.status) == (
        "unsatisfied",
        aid["supervisor"],
        FollowUpStatus.OPEN,
    )
    assert follow_up.due_at > closed_case.closed_at
    assert Notification.objects.filter(user=aid["supervisor"], kind="follow_up").count() == 1
    with pytest.raises(SifaError) as twice:
        case_rate(actor=citizen, case_id=closed_case.pk, score="satisfied")
    assert twice.value.code == ErrorCode.CONFLICT
    done = follow_up_complete(actor=aid["supervisor"], follow_up_id=follow_up.pk, outcome="已电话回访，律师已道歉")
    assert (done.status, done.outcome, done.done_by) == (
        FollowUpStatus.DONE,
        "已电话回访，律师已道歉",
        aid["supervisor"],
    )


def test_satisfied_rating_opens_no_follow_up_and_others_cannot_rate(closed_case, citizen, other_citizen):
    with pytest.raises(SifaError) as stranger:
        case_rate(actor=other_citizen, case_id=closed_case.pk, score="satisfied")
    assert stranger.value.code == ErrorCode.NOT_FOUND
    case_rate(actor=citizen, case_id=closed_case.pk, score="satisfied")
    assert not FollowUp.objects.filter(case=closed_case).exists()


def test_a_case_closed_without_its_document_raises_a_defect_warning(world, citizen, aid, monkeypatch):
    from sifa.cases import services

    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    case = case_transition(actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"})
    case = case_transition(
        actor=aid["officer"],
        case_id=case.pk,
        transition="assign",
        data={"handler_id": aid["lawyers"][0].pk},
        own_service=True,
    )
    monkeypatch.setattr(services, "_issue_documents", lambda *a, **k: None)  # e.g. a definition that forgot it
    case = case_transition(
        actor=aid["lawyers"][0], case_id=case.pk, transition="close", data={"outcome": "部分支持", "summary": "x"}
    )
    assert list(Defect.objects.filter(case=case).values_list("rule", flat=True)) == ["closed_without_document"]


def test_sms_to_the_applicant_and_email_to_staff_leave_after_commit(
    world, citizen, aid, django_capture_on_commit_callbacks
):
    from django.core import mail

    from sifa.accounts.sms import MemorySmsBackend

    lawyer = aid["lawyers"][1]
    lawyer.email = "liu@example.org"
    lawyer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=False) as pending:
        case = case_submit(
            actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()}
        )
        case = case_transition(
            actor=aid["officer"], case_id=case.pk, transition="approve", data={"opinion": "符合条件"}
        )
        case_transition(
            actor=aid["officer"], case_id=case.pk, transition="assign", data={"handler_id": lawyer.pk}, own_service=True
        )
    assert MemorySmsBackend.outbox == []
    assert mail.outbox == []
    for callback in pending:
        callback()
    assert [m["phone"] for m in MemorySmsBackend.outbox] == ["13912345678"] * 3
    assert "当前环节：承办" in MemorySmsBackend.outbox[-1]["message"]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["liu@example.org"], "【司法服务】案件提醒")]
