"""Hook points where the engine calls other systems without depending on them at import time.

`representative_check` runs when a transition assigns a lawyer to a case (an agent or defender):
the verification system (#5, D4) checks the lawyer's licence and career against the registries
and refuses a suspended or revoked lawyer (REPRESENTATIVE_BLOCKED: the transition changes nothing)
or raises warnings for the integrity officers (departed judges and prosecutors, close relatives).
"""

from typing import Any

REPRESENTATIVE_ROLES = frozenset({"lawyer"})


def representative_check(*, actor: Any, case: Any, handler: Any, role: str) -> None:
    """Check the representative `handler` before they are registered on `case` in `role`."""
    if role not in REPRESENTATIVE_ROLES:
        return
    from sifa.screening.services import representative_check as screen  # the verification system

    profile = getattr(handler, "handler_profile", None)
    screen(
        actor=actor,
        lawyer_name=handler.full_name or handler.username,
        licence_no=getattr(profile, "licence_no", "") or "",
        case_court_division=case.division_id,
        case_ref=case.reference,
    )
