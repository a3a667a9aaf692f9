from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sifa.consultation.services import dispatch_pending
from sifa.consultation.tasks import ensure_dispatch_schedule


class Command(BaseCommand):
    help = "把待分派的留言咨询按值班表分派给在班律师；--schedule 启动每两分钟一次的自动分派任务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="启动（或恢复）自动分派任务链")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = ensure_dispatch_schedule()
            self.stdout.write("已排入自动分派任务。" if queued else "自动分派任务已在队列中（或后端不支持延时任务）。")
            return
        moved = dispatch_pending()
        self.stdout.write(f"已分派 {len(moved)} 件咨询。")
