"""Registries, restriction rules, 预警 tags, the two hooks and rulings, built through the services."""

from datetime import date

import pytest

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.core import idnumber
from sifa.core.errors import ErrorCode, SifaError
from sifa.screening import selectors, services
from sifa.screening.models import BlockKey, RegistryPerson, ScreeningWarning


def valid(first17: str) -> str:
    return first17 + idnumber.check_char(first17)


JUDGE = valid("37010219700101123")  # a former judge of 历下区
RELATIVE = valid("37010319800202223")
LAWYER = valid("52270119750303323")

DEPARTED_CSV = (
    "姓名,身份证号码,出生日期,性别,原单位,单位区划代码,离任方式,离任日期,执业律所\n"
    f"张丽,{JUDGE},,女,历下区人民法院,370102,辞去公职,2025-06-30,山东甲律师事务所\n"
    "李明,,1960-05-05,男,市中区人民检察院,370103,退休,2020-01-31,山东乙律师事务所\n"
)


@pytest.fixture
def officer(make_staff):
    return make_staff("370102", roles=(Role.INTEGRITY_OFFICER,), username="officer")


@pytest.fixture
def clerk(make_staff):
    return make_staff("370102", roles=(Role.BUREAU_STAFF,), username="clerk")


def load(actor, registry, text, encoding="utf-8", division="370102"):
    return services.registry_import(
        actor=actor, registry=registry, data=text.encode(encoding), filename="x.csv", division_code=division
    )


@pytest.mark.django_db
def test_gbk_import_computes_restriction_and_tags(officer, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    report = load(officer, "resigned", DEPARTED_CSV, encoding="gbk")
    assert (report.created, report.warned) == (2, 1)
    zhang = RegistryPerson.objects.get(name="张丽")
    li = RegistryPerson.objects.get(name="李明")
    assert (zhang.restricted_until, zhang.warning) == (date(2027, 6, 30), True)
    assert (li.restricted_until, li.warning) == (date(2022, 1, 31), False)
    assert zhang.id_number == JUDGE
    assert zhang.id_number_hash != ""
    assert BlockKey.objects.filter(person=zhang).count() == 7
    entry = AuditEntry.objects.get(action="screening.registry_import")
    assert entry.target_id == "resigned"


@pytest.mark.django_db
def test_a_broken_row_names_the_row_and_imports_nothing(officer):
    bad = DEPARTED_CSV + "王五,370102197001011230,,男,历下区人民法院,370102,退休,2021-13-01,\n"
    with pytest.raises(SifaError) as caught:
        load(officer, "retired", bad)
    assert caught.value.message.startswith("第 4 行“身份证号码”身份证号码无效；共 2 处错误")
    assert caught.value.details["errors"] == [
        {"row": 4, "column": "身份证号码", "message": "身份证号码无效"},
        {"row": 4, "column": "离任日期", "message": "日期无效：2021-13-01"},
    ]
    assert RegistryPerson.objects.count() == 0
    assert not AuditEntry.objects.filter(action="screening.registry_import").exists()


@pytest.mark.django_db
def test_a_wrong_header_is_named(officer):
    with pytest.raises(SifaError) as caught:
        load(officer, "retired", "名字,身份证号码\n张丽,\n")
    assert caught.value.details["missing_columns"] == ["姓名", "离任方式", "离任日期"]
    assert RegistryPerson.objects.count() == 0


@pytest.mark.django_db
def test_import_outside_scope_or_without_role_is_refused(officer, make_staff):
    with pytest.raises(SifaError) as caught:
        load(officer, "retired", DEPARTED_CSV, division="370103")
    assert caught.value.code == ErrorCode.INVALID_DIVISION
    mediator = make_staff("370102", roles=(Role.MEDIATOR,), username="m")
    with pytest.raises(SifaError) as caught:
        load(mediator, "retired", DEPARTED_CSV)
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert RegistryPerson.objects.count() == 0


@pytest.mark.django_db
def test_incremental_check_finds_a_mistyped_traditional_record(officer):
    load(officer, "resigned", DEPARTED_CSV)
    typo = JUDGE[:9] + str((int(JUDGE[9]) + 1) % 10) + JUDGE[10:]
    found = selectors.person_check(name="張麗", id_number=typo)
    assert [(c.person.name, c.reasons) for c in found] == [("张丽", "id=typo1(+22.0); name=exact(+15.5)")]
    assert selectors.person_check(name="赵四", id_number=valid("11010119900101001")) == []


@pytest.mark.django_db
def test_licence_application_warns_and_cannot_be_approved_until_ruled(officer, clerk, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    load(officer, "resigned", DEPARTED_CSV)
    application = services.licence_application_submit(
        actor=clerk, name="张丽", id_number=JUDGE, law_firm="山东丙律师事务所", division_code="370102"
    )
    warnings = services.licence_application_check(actor=clerk, application_id=application.pk)
    assert [(w.rule, w.source, w.status, w.division_id) for w in warnings] == [
        ("restriction_period", "licence", "open", "370102")
    ]
    assert warnings[0].evidence["restricted_until"] == "2027-06-30"
    with pytest.raises(SifaError) as caught:
        services.licence_application_decide(actor=clerk, application_id=application.pk, approve=True)
    assert caught.value.code == ErrorCode.WARNINGS_OPEN
    services.warning_rule(actor=officer, warning_id=warnings[0].pk, decision="dismissed", reason="系同名同姓他人")
    decided = services.licence_application_decide(actor=clerk, application_id=application.pk, approve=True)
    assert decided.status == "approved"
    entry = AuditEntry.objects.get(action="screening.warning_dismissed")
    assert (entry.actor_id, entry.target_id) == (officer.pk, str(warnings[0].pk))


@pytest.mark.django_db
def test_ruling_needs_a_reason_the_right_role_and_region(officer, make_staff, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    load(officer, "resigned", DEPARTED_CSV)
    clerk = make_staff("370102", roles=(Role.BUREAU_STAFF,), username="c2")
    application = services.licence_application_submit(
        actor=clerk, name="张丽", id_number=JUDGE, law_firm="所", division_code="370102"
    )
    (warning,) = services.licence_application_check(actor=clerk, application_id=application.pk)
    other = make_staff("370103", roles=(Role.INTEGRITY_OFFICER,), username="o2")
    for actor, reason, code in (
        (officer, "  ", ErrorCode.INVALID_INPUT),
        (clerk, "理由", ErrorCode.FORBIDDEN),
        (other, "理由", ErrorCode.NOT_FOUND),
    ):
        with pytest.raises(SifaError) as caught:
            services.warning_rule(actor=actor, warning_id=warning.pk, decision="confirmed", reason=reason)
        assert caught.value.code == code
    warning.refresh_from_db()
    assert (warning.status, warning.ruling_reason) == ("open", "")


@pytest.mark.django_db
def test_suspended_lawyer_is_blocked_unless_overridden_with_reason(officer, clerk, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    load(
        officer,
        "lawyer",
        f"姓名,身份证号码,执业证号,执业状态,停止执业起,停止执业止\n王律,{LAWYER},13701201010001,停止执业,2026-10-01,2027-03-31\n",
    )
    with pytest.raises(SifaError) as caught:
        services.representative_check(
            actor=clerk, lawyer_name="王律", licence_no="13701201010001", case_court_division="370102"
        )
    assert (caught.value.code, caught.value.details) == (
        ErrorCode.REPRESENTATIVE_BLOCKED,
        {"licence_status": "suspended"},
    )
    assert ScreeningWarning.objects.count() == 0
    result = services.representative_check(
        actor=clerk,
        lawyer_name="王律",
        licence_no="13701201010001",
        case_court_division="370102",
        case_ref="(2026)鲁0102民初1号",
        override_reason="停止执业决定已被撤销，附文书",
    )
    assert (result.allowed, result.overridden, [w.rule for w in result.warnings]) == (True, True, ["lawyer_suspended"])
    assert AuditEntry.objects.filter(action="screening.representative_override").count() == 1


@pytest.mark.django_db
def test_relative_in_the_case_court_and_former_judge_raise_warnings(officer, clerk, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    load(officer, "resigned", DEPARTED_CSV)
    load(
        officer,
        "relative",
        f"姓名,身份证号码,亲属关系,在职亲属姓名,原单位,单位区划代码\n赵敏,{RELATIVE},配偶,赵法官,历下区人民法院,370102\n",
    )
    far = services.representative_check(
        actor=clerk, lawyer_name="赵敏", lawyer_id_number=RELATIVE, case_court_division="370103"
    )
    assert far.warnings == []
    near = services.representative_check(
        actor=clerk, lawyer_name="赵敏", lawyer_id_number=RELATIVE, case_court_division="370102"
    )
    assert [w.rule for w in near.warnings] == ["relative_in_court"]
    judge = services.representative_check(
        actor=clerk, lawyer_name="张丽", lawyer_id_number=JUDGE, case_court_division="370102", on=date(2030, 1, 1)
    )
    assert [w.rule for w in judge.warnings] == ["former_court"]


@pytest.mark.django_db
def test_tags_end_with_the_restriction_period_and_follow_rule_changes(officer, monkeypatch):
    from sifa.screening.models import RestrictionRule

    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    load(officer, "resigned", DEPARTED_CSV)
    assert services.tags_refresh(on=date(2027, 6, 29)) == 0
    assert services.tags_refresh(on=date(2027, 6, 30)) == 1
    assert not RegistryPerson.objects.get(name="张丽").warning
    # update_or_create: a transactional test elsewhere in the worker may have flushed migration rows
    RestrictionRule.objects.update_or_create(departure_type="resigned", defaults={"months": 36})
    assert services.tags_refresh(on=date(2027, 6, 30)) == 1  # 李明 retired: his rule did not change
    zhang = RegistryPerson.objects.get(name="张丽")
    assert (zhang.warning, zhang.restricted_until) == (True, date(2028, 6, 30))


@pytest.mark.django_db
def test_excel_import_reads_dates_and_numbers_as_typed(officer):
    import io
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "原单位", "单位区划代码", "离任方式", "离任日期"])
    sheet.append(["周敏", JUDGE, "历下区人民检察院", 370102, "调离", datetime(2026, 1, 15)])
    out = io.BytesIO()
    book.save(out)
    report = services.registry_import(
        actor=officer, registry="departed", data=out.getvalue(), filename="离任.xlsx", division_code="370102"
    )
    assert report.created == 1
    person = RegistryPerson.objects.get()
    assert (person.unit_division_code, person.departure_type, person.departure_date) == (
        "370102",
        "transferred",
        date(2026, 1, 15),
    )
    assert person.restricted_until == date(2028, 1, 15)
