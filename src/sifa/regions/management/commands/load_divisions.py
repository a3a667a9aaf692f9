from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sifa.core.errors import SifaError
from sifa.regions.models import Division
from sifa.regions.services import DIVISIONS_FILE, divisions_load


class Command(BaseCommand):
    help = "加载行政区划（GB/T 2260 省、市、县三级全国数据，演示县的乡镇和村），可重复运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=None, help=f"divisions file (CSV or .csv.gz); default {DIVISIONS_FILE.name}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        try:
            changed = divisions_load(path=options["path"], progress=verbosity >= 1)
        except (OSError, SifaError) as exc:
            raise CommandError(f"无法加载行政区划：{exc} {getattr(exc, 'details', '')}".strip()) from exc
        if verbosity >= 1:
            total = Division.objects.count()
            self.stdout.write(self.style.SUCCESS(f"行政区划已加载：新增或更新 {changed} 条，共 {total} 条。"))
