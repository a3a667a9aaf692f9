from typing import Any

from django.core.management.base import BaseCommand

from sifa.screening.services import tags_refresh


class Command(BaseCommand):
    help = "按从业限制规则重新计算核查库人员的限制期和“预警”标签（建议每日运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        changed = tags_refresh()
        if int(options["verbosity"]) >= 1:
            self.stdout.write(self.style.SUCCESS(f"预警标签已更新：{changed} 人有变化。"))
