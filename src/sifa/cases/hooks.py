"""Hook points for other systems, kept here so the engine does not depend on them yet.

`representative_check` is where registering an agent or defender on a case will call the
verification system (#5, `sifa.screening.services.representative_check`) once it exists: it
should raise a SifaError to refuse the registration. Until then it accepts everyone.
"""

from typing import Any


def representative_check(*, case: Any, person: dict[str, Any], role: str) -> None:
    """Check a representative (lawyer, agent, defender) before registering them on `case`."""
    return None
