"""`sifa reconcile_schedule`: start the daily reconciliation of pushed ledgers (E2)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sifa.risk.services import reconciliation_schedule_due
from sifa.risk.tasks import ensure_reconciliation_schedule


class Command(BaseCommand):
    help = "启动每日台账比对计划任务（--now 立即比对有新台账的区划）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="立即为有新台账的区划排队比对")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            runs = reconciliation_schedule_due()
            self.stdout.write(f"已排队比对 {len(runs)} 个区划")
        queued = ensure_reconciliation_schedule()
        self.stdout.write("已安排每日比对" if queued else "每日比对已在队列中（或当前任务后端不支持定时）")
