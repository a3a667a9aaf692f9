from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sifa.regions.choices import OrganisationKind
from sifa.regions.selectors import organisation_get, organisation_list
from sifa.workbench.access import staff_required

PAGE_SIZE = 25


@staff_required
def organisations(request: HttpRequest) -> HttpResponse:
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    page = Paginator(organisation_list(user=request.user, q=q, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"q": q, "kind": kind, "kinds": OrganisationKind.choices, "page": page}
    return render(request, "regions/organisations.html", context)


@staff_required
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = organisation_get(user=request.user, organisation_id=organisation_id)
    return render(request, "regions/organisation.html", {"org": org})
