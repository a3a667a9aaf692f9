"""The public verification pages: /verify/ (enter a code) and /verify/<code> (facts + upload check).

Anyone may open them; they show no personal data. An uploaded PDF is hashed in memory and compared
with the record; it is never stored.
"""

import hashlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sifa.core.errors import ErrorCode, SifaError
from sifa.core.uploads import check_upload
from sifa.documents import codes
from sifa.documents.forms import VerifyLookupForm, VerifyUploadForm
from sifa.documents.selectors import VerifyFacts, document_verify_facts


def _facts_or_404(code: str) -> VerifyFacts:
    try:
        return document_verify_facts(code=code)
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        raise


@require_http_methods(["GET"])
def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = VerifyLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        code = codes.normalise(form.cleaned_data["code"])
        if codes.is_well_formed(code):
            return redirect("verify:page", code=code)
        form.add_error("code", "验证码应为 12 位字母和数字。")
    return render(request, "documents/verify_lookup.html", {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    facts = _facts_or_404(code)
    if facts.code != code:
        return redirect("verify:page", code=facts.code)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    match: bool | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["pdf"]
            try:
                check_upload(upload, allowed={"pdf"}, size=upload.size)
            except SifaError as exc:
                form.add_error("pdf", exc.message)
            else:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                match = digest.hexdigest() == facts.sha256_pdf
        if form.errors:
            status = 422
    context = {"facts": facts, "form": form, "match": match}
    return render(request, "documents/verify.html", context, status=status)
