from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.errors import ErrorCode, SifaError
from sifa.core.forms import add_errors
from sifa.people import selectors, services
from sifa.people.forms import PersonForm, RevealForm
from sifa.people.presenters import person_masked
from sifa.workbench.access import staff_required

PAGE_SIZE = 25


@staff_required
def person_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page = Paginator(selectors.person_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"q": q, "page": page, "people": [person_masked(p) for p in page.object_list]}
    template = "people/_table.html" if request.headers.get("HX-Request") else "people/list.html"
    return render(request, template, context)


@staff_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = services.person_open(actor=request.user, person_id=person_id)  # type: ignore[arg-type]
    return render(request, "people/detail.html", {"person": person_masked(person), "form": RevealForm()})


@staff_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.person_reveal(
                actor=request.user,  # type: ignore[arg-type]
                person_id=person_id,
                purpose=form.cleaned_data["purpose"],
            )
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise
            add_errors(form, exc)
    # Always 200: htmx swaps only successful responses, and the fragment carries the field errors.
    return render(request, "people/_reveal.html", {"form": form, "revealed": revealed, "person_id": person_id})


@staff_required
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, data=services.PersonData(**form.cleaned_data))  # type: ignore[arg-type]
        except SifaError as exc:
            add_errors(form, exc)
        else:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form}, status=422 if form.errors else 200)
