from django import forms

from sifa.core.errors import ErrorCode, SifaError

# Which form field a domain error belongs to, when the error does not say.
_FIELD_FOR_CODE = {
    ErrorCode.INVALID_ID_NUMBER: "id_number",
    ErrorCode.INVALID_PHONE: "phone",
    ErrorCode.INVALID_DIVISION: "division_code",
}


def add_errors(form: forms.Form, error: SifaError) -> None:
    """Show a domain error next to the fields it concerns, or at the top of the form.

    Per-field messages in `details` go next to their fields; otherwise the error's message goes
    next to the field its code concerns (an ID number, a phone, a division) or at the top.
    """
    placed = False
    if isinstance(error.details, dict):
        for name, message in error.details.items():
            if name in form.fields and isinstance(message, str) and message:
                form.add_error(name, message)
                placed = True
    if placed:
        return
    field = _FIELD_FOR_CODE.get(error.code)
    if field is None and isinstance(error.details, dict):
        field = next((k for k in error.details if k in form.fields), None)
    form.add_error(field if field in form.fields else None, error.message)
