from django import forms

from sifa.core.errors import ErrorCode, SifaError

# Which form field a domain error belongs to, when the error does not say.
_FIELD_FOR_CODE = {
    ErrorCode.INVALID_ID_NUMBER: "id_number",
    ErrorCode.INVALID_PHONE: "phone",
    ErrorCode.INVALID_DIVISION: "division_code",
}


def add_error_from(form: forms.Form, error: SifaError) -> None:
    """Show a domain error next to the field it concerns (or at the top of the form)."""
    field = _FIELD_FOR_CODE.get(error.code)
    if field is None and isinstance(error.details, dict):
        field = next((k for k in error.details if k in form.fields), None)
    form.add_error(field if field in form.fields else None, error.message)
