"""Staff pages: documents in the user's scope, detail, traced download, revoke with a reason."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.errors import ErrorCode, SifaError
from sifa.core.forms import add_errors
from sifa.documents import selectors, services
from sifa.documents.forms import RevokeForm
from sifa.documents.kinds import registry
from sifa.workbench.access import staff_required

PAGE_SIZE = 25
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@staff_required
def document_list(request: HttpRequest) -> HttpResponse:
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    documents = selectors.document_list(user=request.user, q=q, kind=kind)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = sorted((k.code, k.name) for k in registry().values())
    return render(request, "documents/list.html", {"q": q, "kind": kind, "kinds": kinds, "page": page})


@staff_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, document_id=document_id)
    can_revoke = request.user.has_role(*selectors.REVOKE_ROLES)  # type: ignore[union-attr]
    context = {"document": document, "form": RevokeForm(), "can_revoke": can_revoke}
    return render(request, "documents/detail.html", context)


@staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse subclass
def document_download(request: HttpRequest, document_id: int, fmt: str) -> HttpResponseBase:
    document, file = services.document_download(actor=request.user, document_id=document_id, fmt=fmt)
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=f"{document.code}.{fmt}", content_type=CONTENT_TYPES[fmt]
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def document_revoke(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, document_id=document_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.document_revoke(actor=request.user, document_id=document.pk, reason=form.cleaned_data["reason"])
        except SifaError as exc:
            if exc.code == ErrorCode.NOT_FOUND:
                raise
            if exc.code == ErrorCode.FORBIDDEN:
                raise PermissionDenied from exc
            add_errors(form, exc)
        else:
            return redirect("documents:detail", document_id=document.pk)
    can_revoke = request.user.has_role(*selectors.REVOKE_ROLES)  # type: ignore[union-attr]
    context = {"document": document, "form": form, "can_revoke": can_revoke}
    return render(request, "documents/detail.html", context, status=422)
