"""The engine: definitions as data, pinned versions, submit, transitions, audit, idempotency."""

import json
from pathlib import Path

import pytest

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.cases import registry
from sifa.cases.definitions import DefinitionError, parse
from sifa.cases.models import Attachment, Case, CaseEvent, CaseStatus, Notification, ServiceDefinition
from sifa.cases.services import case_submit, case_transition
from sifa.cases.tests.conftest import FOURTH_TYPE, aid_form, pdf_upload, valid_id
from sifa.core.errors import ErrorCode, SifaError


def test_a_fourth_service_type_runs_from_its_definition_file_alone(
    fourth_type, citizen, make_staff, django_capture_on_commit_callbacks
):
    officer = make_staff("370102", (Role.BUREAU_STAFF,))
    with django_capture_on_commit_callbacks(execute=True):
        case = case_submit(
            actor=citizen,
            service_type="certificate",
            data={"applicant_name": "张三", "division": "370102", "purpose": "入学"},
        )
    assert (case.service_code, case.stage, case.reference[:2], case.organisation.name) == (
        "certificate",
        "accept",
        "ZM",
        "历下区司法局",
    )
    assert case.deadline_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(
            actor=officer, case_id=case.pk, transition="finish", data={"note": "已出具"}, expected_version=1
        )
    assert (case.stage, case.status, case.version) == ("done", CaseStatus.CLOSED, 2)
    assert list(case.events.values_list("action", "from_stage", "to_stage")) == [
        ("submit", "", "accept"),
        ("finish", "accept", "done"),
    ]
    assert Notification.objects.filter(user=citizen, case=case).count() == 2


def test_every_transition_is_on_the_audit_chain_with_actor_stages_and_digest(fourth_type, citizen, make_staff):
    officer = make_staff("370102", (Role.BUREAU_STAFF,))
    case = case_submit(
        actor=citizen,
        service_type="certificate",
        data={"applicant_name": "张三", "division": "370102", "purpose": "入学"},
    )
    case = case_transition(actor=officer, case_id=case.pk, transition="finish", data={"note": "已出具"})
    submit, finish = CaseEvent.objects.filter(case=case).order_by("id")
    entries = list(AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk)).order_by("seq"))
    assert [(e.action, e.actor_id) for e in entries] == [("case.submit", citizen.pk), ("case.finish", officer.pk)]
    assert entries[0].before_digest == ""
    assert entries[1].before_digest
    assert entries[1].after_digest
    assert len(finish.digest) == 64
    assert finish.digest != submit.digest


def test_definition_errors_name_the_problem():
    with pytest.raises(DefinitionError, match="unknown stage 'nowhere'"):
        parse(FOURTH_TYPE.replace('to = "done"', 'to = "nowhere"'))
    with pytest.raises(DefinitionError, match="initial_stage"):
        parse(FOURTH_TYPE.replace('initial_stage = "accept"', 'initial_stage = "x"'))
    with pytest.raises(DefinitionError, match="choice field needs choices"):
        parse(FOURTH_TYPE.replace('choices = ["出国", "入学"]', ""))
    with pytest.raises(DefinitionError, match="Extra inputs"):
        parse(FOURTH_TYPE + '\nsurprise = "x"\n')


def test_a_running_case_keeps_the_version_it_started_with(fourth_type, citizen, make_staff):
    officer = make_staff("370102", (Role.BUREAU_STAFF,))
    old_case = case_submit(
        actor=citizen,
        service_type="certificate",
        data={"applicant_name": "张三", "division": "370102", "purpose": "入学"},
    )
    v2 = FOURTH_TYPE.replace("version = 1", "version = 2").replace('code = "finish"', 'code = "complete"')
    fourth_type.write_text(v2, encoding="utf-8")
    registry.definitions_sync()
    assert list(ServiceDefinition.objects.filter(code="certificate").values_list("version", "is_current")) == [
        (2, True),
        (1, False),
    ]
    new_case = case_submit(
        actor=citizen,
        service_type="certificate",
        data={"applicant_name": "张三", "division": "370102", "purpose": "出国"},
    )
    assert (old_case.definition.version, new_case.definition.version) == (1, 2)
    with pytest.raises(SifaError) as refused:
        case_transition(actor=officer, case_id=old_case.pk, transition="complete")
    assert refused.value.code == ErrorCode.INVALID_INPUT
    assert case_transition(actor=officer, case_id=old_case.pk, transition="finish").stage == "done"
    assert case_transition(actor=officer, case_id=new_case.pk, transition="complete").stage == "done"


def test_changing_a_stored_version_without_bumping_it_is_refused(fourth_type):
    fourth_type.write_text(FOURTH_TYPE.replace("证明材料核发", "证明核发"), encoding="utf-8")
    with pytest.raises(DefinitionError, match="increase `version`"):
        registry.definitions_sync()


def test_fields_are_validated_at_the_edge_with_one_message_per_field(world, citizen):
    with pytest.raises(SifaError) as refused:
        case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(
                id_number="370102199001011230",
                phone="12345",
                division="999999",
                monthly_income="-1",
                matter_type="盗窃",
            ),
            files={"hardship_proof": pdf_upload()},
        )
    assert refused.value.code == ErrorCode.INVALID_INPUT
    assert sorted(refused.value.details) == ["division", "id_number", "matter_type", "monthly_income", "phone"]
    assert Case.objects.count() == 0


def test_identifiers_are_kept_encrypted_and_masked_in_the_case_data(world, citizen):
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    full_id = valid_id()
    assert case.data["id_number"] == full_id[:4] + "*" * 10 + full_id[-4:]
    assert case.data["phone"] == "139****5678"
    assert json.loads(Case.objects.get(pk=case.pk).secret_data) == {"id_number": full_id, "phone": "13912345678"}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data, secret_data FROM cases_case WHERE id = %s", [case.pk])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert full_id not in raw
    assert "13912345678" not in raw


def test_attachments_are_checked_by_content_stored_and_hashed(world, citizen):
    with pytest.raises(SifaError) as refused:
        case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(),
            files={"hardship_proof": pdf_upload(body=b"just text, named .pdf")},
        )
    assert refused.value.details == {"hardship_proof": "不接受此类型的文件。"}
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    attachment = Attachment.objects.get(case=case)
    import hashlib

    body = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    assert (attachment.kind, attachment.sha256) == ("pdf", hashlib.sha256(body).hexdigest())
    assert attachment.file.read() == body


def test_missing_required_file_is_refused(world, citizen, aid):
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form())  # the proof is optional (v2)
    case = case_transition(
        actor=aid["officer"], case_id=case.pk, transition="request_materials", data={"missing": "证明"}
    )
    with pytest.raises(SifaError) as refused:
        case_transition(actor=citizen, case_id=case.pk, transition="resubmit", data={})
    assert refused.value.details == {"material": "请上传材料"}


def test_same_idempotency_key_same_body_gives_the_same_case_and_another_body_is_refused(world, citizen):
    first = case_submit(
        actor=citizen,
        service_type="legal_aid",
        data=aid_form(),
        files={"hardship_proof": pdf_upload()},
        idempotency_key="k-1",
    )
    again = case_submit(
        actor=citizen,
        service_type="legal_aid",
        data=aid_form(),
        files={"hardship_proof": pdf_upload()},
        idempotency_key="k-1",
    )
    assert again.pk == first.pk
    with pytest.raises(SifaError) as refused:
        case_submit(
            actor=citizen,
            service_type="legal_aid",
            data=aid_form(title="另一件事"),
            files={"hardship_proof": pdf_upload()},
            idempotency_key="k-1",
        )
    assert refused.value.code == ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert refused.value.status == 409
    assert Case.objects.count() == 1


def test_wrong_role_wrong_region_and_stale_version_change_nothing(world, citizen, aid, make_staff):
    case = case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    bureau_staff = make_staff("370102", (Role.BUREAU_STAFF,))
    entries = AuditEntry.objects.count()
    cases = [
        (bureau_staff, 1, ErrorCode.FORBIDDEN),
        (aid["far_officer"], 1, ErrorCode.NOT_FOUND),
        (aid["lawyers"][0], 1, ErrorCode.NOT_FOUND),  # lawyers see only the cases assigned to them
        (aid["officer"], 7, ErrorCode.STALE_VERSION),
    ]
    for actor, version, code in cases:
        with pytest.raises(SifaError) as refused:
            case_transition(
                actor=actor,
                case_id=case.pk,
                transition="request_materials",
                data={"missing": "收入证明"},
                expected_version=version,
            )
        assert refused.value.code == code
    case.refresh_from_db()
    assert (case.stage, case.version, AuditEntry.objects.count()) == ("review", 1, entries)
    with pytest.raises(SifaError) as other_citizen_refused:
        case_transition(actor=citizen, case_id=case.pk, transition="resubmit")
    assert other_citizen_refused.value.code == ErrorCode.STALE_VERSION  # not in the supplement stage


def test_definition_files_ship_for_legal_aid(db):
    registry.definitions_sync()
    assert ServiceDefinition.objects.get(code="legal_aid", is_current=True).origin == "legal_aid.toml"
    assert Path(registry.definitions.definition_files()[0]).suffix == ".toml"


def test_a_service_with_its_own_filing_page_is_linked_there(fourth_type, citizen, client):
    fourth_type.write_text(
        FOURTH_TYPE.replace("version = 1", "version = 2").replace(
            'initial_stage = "accept"', 'initial_stage = "accept"\napply_path = "/certificates/apply/"'
        ),
        encoding="utf-8",
    )
    registry.definitions_sync()
    client.force_login(citizen)
    assert client.get("/services/certificate/apply/").url == "/certificates/apply/"
    assert 'href="/certificates/apply/"' in client.get("/services/").content.decode()
    with pytest.raises(DefinitionError):
        parse(FOURTH_TYPE.replace('initial_stage = "accept"', 'initial_stage = "accept"\napply_path = "http://x"'))


def test_a_transition_kept_for_its_services_own_pages_is_neither_offered_nor_fired_generically(
    fourth_type, citizen, make_staff
):
    from sifa.cases.selectors import transitions_for

    fourth_type.write_text(
        FOURTH_TYPE.replace("version = 1", "version = 3")
        .replace('to = "done"\n', 'to = "done"\ngeneric = false\n')
        .replace('initial_stage = "accept"', 'initial_stage = "accept"\nstaff_page = "/certificates/{id}/"'),
        encoding="utf-8",
    )
    registry.definitions_sync()
    clerk = make_staff("370102", roles=(Role.BUREAU_STAFF,))
    case = case_submit(
        actor=citizen,
        service_type="certificate",
        data={"applicant_name": "张三", "division": "370102", "purpose": "入学"},
    )
    assert transitions_for(user=clerk, case=case) == []
    with pytest.raises(SifaError) as refused:
        case_transition(actor=clerk, case_id=case.pk, transition="finish", data={})
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert Case.objects.get(pk=case.pk).stage == "accept"
    done = case_transition(actor=clerk, case_id=case.pk, transition="finish", data={}, own_service=True)
    assert done.stage == "done"
