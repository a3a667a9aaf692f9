"""Who sees a case: the one rule, used by the selectors (querysets) and the services (locked rows).

Citizens see the cases they applied for. Staff with an oversight role (officers, bureau staff,
supervisors, auditors, analysts) see every case in their division subtree; every member of the
handling organisation (the mediation committee, notary office, arbitration commission that received
it) sees its cases; other staff (lawyers, mediators, notaries) see the cases assigned to them or
that they work on as participants (a second appraiser).
Anything else is "not found".
"""

from typing import Any

from sifa.accounts.choices import AccountKind, Role

OVERSIGHT_ROLES = frozenset({Role.LEGAL_AID_OFFICER, Role.BUREAU_STAFF, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST})


def can_see(user: Any, case: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id is not None and case.applicant_id == user.pk:
        return True
    if user.kind != AccountKind.STAFF:
        return False
    if case.handler_id == user.pk:
        return True
    if user.organisation_id is not None and case.organisation_id == user.organisation_id:
        return True
    if case.participants.filter(user_id=user.pk).exists():
        return True
    prefix = user.scope_prefix or ""
    return bool(prefix) and user.has_role(*OVERSIGHT_ROLES) and case.division_id.startswith(prefix)
