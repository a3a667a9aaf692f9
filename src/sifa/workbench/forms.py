"""Staff forms posted to a service: one way to run the service and show its refusal."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404

from sifa.core.errors import ErrorCode, SifaError
from sifa.core.forms import add_errors


def submitted(form: forms.Form, action: Callable[[dict[str, Any]], object]) -> bool:
    """Whether the form is valid and `action(form.cleaned_data)` (a service call) went through.

    A refusal shows on the form; NOT_FOUND (a missing record or one outside the user's scope)
    answers 404 like a missing page.
    """
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except SifaError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            raise Http404 from exc
        add_errors(form, exc)
        return False
    return True
