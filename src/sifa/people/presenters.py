"""How a person looks on screen and in the API: identifiers masked unless revealed."""

from typing import Any

from sifa.core import idnumber, phone
from sifa.people.models import Person


def person_masked(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_year": person.birth_date.year if person.birth_date else None,
        "id_number_masked": idnumber.mask(person.id_number) if person.id_number else "",
        "phone_masked": phone.mask(person.phone) if person.phone else "",
        "division_code": person.division_id,
        "division_name": person.division.name,
        "address": person.address,
    }
