from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from sifa.accounts.models import User


class SmsCodeBackend(BaseBackend):
    """Citizens: phone + one-time SMS code (checked by accounts.services.sms_code_verify)."""

    def authenticate(
        self, request: HttpRequest | None, *, phone: str | None = None, sms_code: str | None = None, **kwargs: Any
    ) -> User | None:
        if phone is None or sms_code is None:
            return None
        from sifa.accounts.services import citizen_for_sms_code

        return citizen_for_sms_code(phone=phone, code=sms_code)

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()
