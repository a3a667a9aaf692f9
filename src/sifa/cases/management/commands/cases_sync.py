from typing import Any

from django.core.management.base import BaseCommand

from sifa.cases.calendar import calendar
from sifa.cases.registry import definitions_sync


class Command(BaseCommand):
    help = "Load service-type definition files (new versions are stored; the newest becomes current)."

    def handle(self, *args: Any, **options: Any) -> None:
        for row in definitions_sync():
            row.refresh_from_db(fields=["is_current"])
            flag = "current" if row.is_current else ""
            self.stdout.write(f"{row.code:24} v{row.version:<4} {row.sha256[:12]} {row.origin} {flag}")
        provisional = sorted(calendar().provisional)
        if provisional:
            self.stdout.write(f"holiday data provisional for: {', '.join(map(str, provisional))}")
