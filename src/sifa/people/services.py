"""Writes of person records: validated at the edge, audited in the same transaction."""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from sifa.accounts.choices import PERSON_WRITE_ROLES, REVEAL_ROLES
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.core import crypto, idnumber, phone, text
from sifa.core.errors import ErrorCode, SifaError
from sifa.people.models import Person
from sifa.people.selectors import ID_CONTEXT, PHONE_CONTEXT, person_get
from sifa.regions.selectors import division_get


@dataclass(frozen=True)
class PersonData:
    name: str
    id_number: str = ""
    phone: str = ""
    division_code: str = ""
    address: str = ""


def _apply(person: Person, data: PersonData, *, actor: User) -> None:
    if not actor.has_role(*PERSON_WRITE_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    name = text.normalise(data.name)
    if not name:
        raise SifaError(ErrorCode.INVALID_INPUT, details={"name": "required"})
    division = division_get(data.division_code)
    if actor.scope_prefix is None or not division.code.startswith(actor.scope_prefix):
        # A staff user may only register people inside their own scope.
        raise SifaError(ErrorCode.INVALID_DIVISION, details={"division_code": "outside_scope"})
    person.name = name
    person.name_pinyin = text.pinyin_key(name)
    person.name_initials = text.initials_key(name)
    person.division = division
    person.address = text.normalise(data.address)
    if data.id_number:
        parsed = idnumber.parse(data.id_number)
        person.id_number = parsed.value
        person.id_number_hash = crypto.lookup_hash(parsed.value, context=ID_CONTEXT)
        person.birth_date = parsed.birth_date
        person.gender = parsed.gender
    if data.phone:
        person.phone = phone.parse(data.phone)
        person.phone_hash = crypto.lookup_hash(person.phone, context=PHONE_CONTEXT)


def _save(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise SifaError(ErrorCode.CONFLICT, message="该身份证号码已登记。", details={"id_number": "duplicate"}) from exc


def _snapshot(person: Person) -> dict[str, Any]:
    """What the audit digest covers; the ledger stores only its hash."""
    return {
        "name": person.name,
        "id_number_hash": person.id_number_hash,
        "phone_hash": person.phone_hash,
        "division": person.division_id,
        "address": person.address,
    }


@transaction.atomic
def person_create(*, actor: User, data: PersonData) -> Person:
    person = Person(created_by=actor)
    _apply(person, data, actor=actor)
    _save(person)
    audit_record(actor=actor, action="people.create", target=person, after=_snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor: User, person_id: int, data: PersonData) -> Person:
    person = person_get(user=actor, person_id=person_id)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = _snapshot(person)
    _apply(person, data, actor=actor)
    _save(person)
    audit_record(actor=actor, action="people.update", target=person, before=before, after=_snapshot(person))
    return person


@dataclass(frozen=True)
class RevealedIdentifiers:
    id_number: str
    phone: str


@transaction.atomic
def person_reveal(*, actor: User, person_id: int, purpose: str) -> RevealedIdentifiers:
    """The only way to see a full ID or phone number: needs a role with a need and a stated purpose,
    and leaves an audit entry naming who read whose record and why."""
    person = person_get(user=actor, person_id=person_id)
    if not actor.has_role(*REVEAL_ROLES):
        raise SifaError(ErrorCode.FORBIDDEN)
    purpose = " ".join(purpose.split())
    if len(purpose) < 4:
        raise SifaError(
            ErrorCode.INVALID_INPUT,
            message="请说明查看完整信息的事由（至少 4 个字）。",
            details={"purpose": "required"},
        )
    audit_record(actor=actor, action="people.reveal", target=person, purpose=purpose)
    return RevealedIdentifiers(id_number=person.id_number, phone=person.phone)


@transaction.atomic
def person_open(*, actor: User, person_id: int) -> Person:
    """Staff opening a person's record (identifiers masked) is logged too."""
    person = person_get(user=actor, person_id=person_id)
    audit_record(actor=actor, action="people.view", target=person)
    return person
