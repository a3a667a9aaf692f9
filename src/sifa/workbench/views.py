from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.people.models import Person
from sifa.workbench.access import staff_required


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff home: who I am, my organisation, my data scope and what it holds."""
    user = cast(User, request.user)
    organisation = user.organisation
    division = organisation.division if organisation is not None else None
    prefix = user.scope_prefix
    person_count = Person.objects.within(prefix).count() if prefix is not None else None
    roles = [role.label for role in Role if role.value in user.role_set]
    return render(
        request,
        "workbench/home.html",
        {
            "organisation": organisation,
            "division": division,
            "scope_prefix": prefix,
            "person_count": person_count,
            "roles": roles,
        },
    )
