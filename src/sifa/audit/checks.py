"""System check: every PostgreSQL database uses the connection class that sends audit entries."""

from typing import Any

from django.conf import settings
from django.core.checks import Error

BACKEND = "sifa.audit.backends.postgresql"


def postgresql_sends_audit_entries(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"DATABASES[{alias!r}] uses {config['ENGINE']}, which never sends audit entries",
            hint=f'Set its ENGINE to "{BACKEND}" (settings do so for a postgres:// DATABASE_URL).',
            id="audit.E001",
        )
        for alias, config in settings.DATABASES.items()
        if config.get("ENGINE") == "django.db.backends.postgresql"
    ]
