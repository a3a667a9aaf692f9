"""Reads of person records, always through the data scope."""

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from sifa.accounts.choices import PERSON_READ_ROLES
from sifa.core import crypto, idnumber, phone, text
from sifa.core.scope import within_scope
from sifa.people.models import Person

ID_CONTEXT = "people.Person.id_number"
PHONE_CONTEXT = "people.Person.phone"


def person_visible(*, user: Any) -> QuerySet[Person]:
    return within_scope(Person.objects.select_related("division"), user, roles=PERSON_READ_ROLES)


def person_list(*, user: Any, q: str = "") -> QuerySet[Person]:
    """Persons in the user's scope; `q` matches name (Traditional or Simplified), pinyin, initials,
    or an exact ID or phone number (through their keyed hashes)."""
    qs = person_visible(user=user)
    q = q.strip()
    if not q:
        return qs
    if idnumber.is_valid(q):
        return qs.filter(id_number_hash=crypto.lookup_hash(idnumber.parse(q).value, context=ID_CONTEXT))
    digits = phone.normalise(q)
    if digits.isdigit() and len(digits) >= 7:
        return qs.filter(phone_hash=crypto.lookup_hash(digits, context=PHONE_CONTEXT))
    name = text.normalise(q)
    key = text.pinyin_key(q) if any(not c.isascii() for c in q) else q.lower().replace(" ", "")
    return qs.filter(Q(name__contains=name) | Q(name_pinyin__startswith=key) | Q(name_initials=key))


def person_get(*, user: Any, person_id: int) -> Person:
    """404 when the person does not exist or lies outside the user's scope: both look the same."""
    return get_object_or_404(person_visible(user=user), pk=person_id)
