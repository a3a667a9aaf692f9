from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "sifa.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from sifa.audit.checks import postgresql_sends_audit_entries

        checks.register(postgresql_sends_audit_entries)
