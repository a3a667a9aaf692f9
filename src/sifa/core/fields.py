"""Model fields for personal data: ciphertext in the column, plaintext in Python."""

from typing import Any

from django.db import models

from sifa.core import crypto


class EncryptedTextField(models.TextField):
    """Stores AES-GCM ciphertext; pair it with a `*_hash` column filled by `crypto.lookup_hash`.

    The AAD context is `<app_label>.<Model>.<field>` so a ciphertext cannot be moved between columns.
    """

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.context = f"{cls._meta.app_label}.{cls.__name__}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.context)
