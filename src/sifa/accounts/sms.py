"""Pluggable SMS: the backend is a dotted path in settings.SIFA_SMS_BACKEND."""

import json
from functools import cache
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, phone: str, message: str) -> None: ...


class FileSmsBackend:
    """Development/test backend: appends each message as a JSON line to var/sms/outbox.jsonl."""

    def send(self, *, phone: str, message: str) -> None:
        settings.SIFA_SMS_DIR.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"phone": phone, "message": message, "at": timezone.now().isoformat()}, ensure_ascii=False)
        with (settings.SIFA_SMS_DIR / "outbox.jsonl").open("a", encoding="utf-8") as f:
            f.write(line + "\n")


class ConsoleSmsBackend:
    def send(self, *, phone: str, message: str) -> None:
        print(f"[SMS to {phone}] {message}")


class MemorySmsBackend:
    """Test backend: keeps messages in a list."""

    outbox: ClassVar[list[dict[str, str]]] = []

    def send(self, *, phone: str, message: str) -> None:
        MemorySmsBackend.outbox.append({"phone": phone, "message": message})


@cache
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def send_sms(*, phone: str, message: str) -> None:
    _backend(settings.SIFA_SMS_BACKEND).send(phone=phone, message=message)
