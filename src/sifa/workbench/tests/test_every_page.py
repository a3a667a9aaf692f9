"""Every sidebar page answers 200 to a county user holding any one of the roles it is offered to
(#2 #4): no dead link and no page that fails for a role the menu sends there. (Pages outside a
role's menu may still open with their data scoped to nothing; the menu is not the access rule.)"""

import pytest

from sifa.accounts.choices import Role
from sifa.workbench.navigation import WORKBENCH_NAV, page_exists

pytestmark = pytest.mark.django_db

ENTRIES = [e for e in WORKBENCH_NAV if page_exists(e.path)]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.path for e in ENTRIES])
def test_every_role_the_menu_sends_there_can_open_it(entry, staff_client) -> None:
    for role in sorted(entry.roles) if entry.roles is not None else [Role.BUREAU_STAFF, Role.MEDIATOR]:
        response = staff_client("370102", roles=(role,)).get(entry.path)
        assert response.status_code == 200, (role, response.status_code)


def test_every_entry_has_its_page() -> None:
    assert [e.path for e in WORKBENCH_NAV if not page_exists(e.path)] == []
